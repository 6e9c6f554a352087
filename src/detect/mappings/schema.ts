// The mapping file format (mappings/*.yml) as a zod schema: the one place that says what a user may
// write; the types the compiler works from are derived from it.
import { z } from "zod";

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const MODIFIERS = ["exists", "startswith", "endswith", "contains"] as const;

/**
 * A condition: every key must hold. A key is a field path, optionally with one modifier
 * (`Field|exists`, `Field|startswith`...); `$service` tests the service derived so far.
 */
const Condition = z
  .record(z.string().min(1), z.union([Scalar, z.array(Scalar).min(1)]))
  .superRefine((cond, ctx) => {
    for (const [key, value] of Object.entries(cond)) {
      const [field, modifier, extra] = key.split("|");
      if (
        !field ||
        extra !== undefined ||
        (modifier !== undefined && !MODIFIERS.includes(modifier as never))
      ) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `"${key}" is not a field with an optional modifier (${MODIFIERS.join(", ")})`,
        });
      } else if (modifier === "exists" && typeof value !== "boolean") {
        ctx.addIssue({ code: "custom", path: [key], message: "exists takes true or false" });
      } else if (
        modifier !== undefined &&
        modifier !== "exists" &&
        !(Array.isArray(value) ? value : [value]).every((v) => typeof v === "string")
      ) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `${modifier} takes a string or a list of strings`,
        });
      }
    }
  });

/** One condition, or a list of which any may hold. */
const Conditions = z.union([Condition, z.array(Condition).min(1)]);

/** A field path, or a list of paths of which the first present one is used. */
const Source = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

const FieldSpec = z.union([
  Source,
  z.strictObject({
    from: Source,
    values: z.record(z.string(), Scalar).optional(),
    default: Scalar.optional(),
  }),
]);

const Fields = z.record(z.string().min(1), FieldSpec);

const Categories = z.union([z.string().min(1), z.array(z.string().min(1))]);

const Rule = z.strictObject({
  match: Conditions,
  service: z.string().min(1).optional(),
  categories: Categories.optional(),
  fields: Fields.optional(),
});

const Service = z.union([
  z.string().min(1),
  z.strictObject({
    from: Source,
    values: z.record(z.string(), z.string().min(1)),
    default: z.string().min(1).optional(),
  }),
]);

export const PipelineSpec = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, "name: lower-case letters, digits, - _ . only"),
  description: z.string().optional(),
  extends: z.string().min(1).optional(),
  priority: z.number().int().optional(),
  recognise: Conditions.optional(),
  flatten: z.array(z.strictObject({ path: z.string().min(1), leaves: z.boolean().optional() })).optional(),
  fields: Fields.optional(),
  time: Source.optional(),
  logsource: z
    .strictObject({
      product: z.string().min(1).optional(),
      service: Service.optional(),
      categories: Categories.optional(),
    })
    .optional(),
  rules: z.array(Rule).optional(),
});

export type PipelineSpec = z.infer<typeof PipelineSpec>;
export type ConditionSpec = z.infer<typeof Condition>;
export type ConditionsSpec = z.infer<typeof Conditions>;
export type SourceSpec = z.infer<typeof Source>;
export type FieldSpec = z.infer<typeof FieldSpec>;
export type FieldsSpec = z.infer<typeof Fields>;
export type RuleSpec = z.infer<typeof Rule>;
export type ServiceSpec = z.infer<typeof Service>;
export type ScalarSpec = z.infer<typeof Scalar>;
