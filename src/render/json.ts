import type { Report } from '../types.js';

/** The report as one JSON document (schemaVersion inside). */
export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}

/**
 * --json over several items (files, or the messages of an mbox): one JSON array, `JSON.stringify(items, null, 2)`
 * byte for byte, written item by item so that an mbox of 100,000 messages is never held in memory. With `loneDocument`
 * (one input named), a single report is written as a document of its own, and a single error item not at all (its
 * line is on stderr): the first item waits until a second one shows which it is.
 */
export function jsonItemsWriter(write: (text: string) => void, loneDocument: boolean): { add(item: object): void; end(): void } {
  let held: object | undefined;
  let opened = false;
  const indented = (item: object) => JSON.stringify(item, null, 2).replace(/\n/g, '\n  ');
  const put = (item: object) => {
    write((opened ? ',\n  ' : '[\n  ') + indented(item));
    opened = true;
  };
  return {
    add(item) {
      if (loneDocument && !opened && held === undefined) {
        held = item;
        return;
      }
      if (held !== undefined) put(held);
      held = undefined;
      put(item);
    },
    end() {
      if (held !== undefined && !('error' in held)) write(renderJson(held as Report));
      else if (opened) write('\n]\n');
      else if (!loneDocument) write('[]\n');
    },
  };
}

/** One line per report, for batches. */
export function renderNdjsonLine(record: unknown): string {
  return JSON.stringify(record) + '\n';
}
