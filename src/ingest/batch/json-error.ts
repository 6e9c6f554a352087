// Locates a JSON syntax error precisely. Only called after JSON.parse has failed, since V8's messages
// do not always carry a position ("Unexpected token 'x', ... is not valid JSON").

export interface JsonErrorLocation {
  /** 0-based UTF-16 index into the text. */
  readonly index: number;
  readonly message: string;
}

const WS = new Set([0x20, 0x0a, 0x0d, 0x09]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Walks `text` as JSON with an explicit stack (no recursion, so deep nesting cannot overflow). */
export function locateJsonError(text: string): JsonErrorLocation {
  let i = 0;
  const n = text.length;
  const stack: number[] = []; // 0x7b `{` or 0x5b `[` per open container
  const ws = (): void => {
    while (i < n && WS.has(text.charCodeAt(i))) i++;
  };
  const fail = (message: string): JsonErrorLocation => ({ index: i, message });
  const describe = (): string =>
    i >= n ? "unexpected end of input" : `unexpected character ${JSON.stringify(text[i])}`;
  const string = (): JsonErrorLocation | undefined => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c < 0x20) return fail("control character in string (must be escaped)");
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return fail("bad \\u escape in string");
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) return fail("bad escape in string");
        i += 2;
        continue;
      }
      i++;
    }
    return fail("unterminated string");
  };
  // value: parse one value; containers push and return to the loop below.
  for (;;) {
    ws();
    const c = text.charCodeAt(i);
    if (c === 0x7b) {
      i++;
      ws();
      if (text.charCodeAt(i) === 0x7d) i++;
      else {
        stack.push(0x7b);
        if (text.charCodeAt(i) !== 0x22)
          return fail(`expected a property name in double quotes, ${describe()}`);
        const bad = string();
        if (bad) return bad;
        ws();
        if (text.charCodeAt(i) !== 0x3a) return fail(`expected ':' after property name, ${describe()}`);
        i++;
        continue;
      }
    } else if (c === 0x5b) {
      i++;
      ws();
      if (text.charCodeAt(i) === 0x5d) i++;
      else {
        stack.push(0x5b);
        continue;
      }
    } else if (c === 0x22) {
      const bad = string();
      if (bad) return bad;
    } else if (text.startsWith("true", i)) i += 4;
    else if (text.startsWith("false", i)) i += 5;
    else if (text.startsWith("null", i)) i += 4;
    else {
      NUMBER.lastIndex = i;
      if (!NUMBER.test(text)) return fail(`expected a value, ${describe()}`);
      i = NUMBER.lastIndex;
    }
    // After a value: close containers or move to the next member.
    for (;;) {
      ws();
      const top = stack[stack.length - 1];
      if (top === undefined) {
        if (i < n) return fail(`unexpected data after the JSON value, ${describe()}`);
        return { index: n, message: "no syntax error found" };
      }
      const d = text.charCodeAt(i);
      if (d === 0x2c) {
        i++;
        if (top === 0x7b) {
          ws();
          if (text.charCodeAt(i) !== 0x22)
            return fail(`expected a property name in double quotes, ${describe()}`);
          const bad = string();
          if (bad) return bad;
          ws();
          if (text.charCodeAt(i) !== 0x3a) return fail(`expected ':' after property name, ${describe()}`);
          i++;
        }
        break;
      }
      if ((top === 0x7b && d === 0x7d) || (top === 0x5b && d === 0x5d)) {
        i++;
        stack.pop();
        continue;
      }
      return fail(`expected ',' or '${top === 0x7b ? "}" : "]"}', ${describe()}`);
    }
  }
}
