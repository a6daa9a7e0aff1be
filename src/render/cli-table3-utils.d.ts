// cli-table3 ships no declaration for its utilities; the human report measures a cell's width as cli-table3 does.
declare module 'cli-table3/src/utils.js' {
  export function strlen(text: string): number;
}
