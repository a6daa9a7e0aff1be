// mailauth ships no declaration for lib/tools; we read one function of it (see mailauth.ts).
declare module 'mailauth/lib/tools.js' {
  export function formatDomain(domain: string): string;
}
