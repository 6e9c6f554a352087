// Public surface of the log file readers: list the event files under some paths, read one file.
export type { ReadItem } from "./item.js";
export { isEventFileName, listEventFiles } from "./list.js";
export { readEventFile } from "./read.js";
export { JsonObjectScanner, type ScanPiece } from "./scanner.js";
