// Organisational domains through the public suffix list (tldts, the list mailauth itself uses). Loaded lazily:
// the list is a large trie that costs start-up time, and only messages with recorded results or ARC sets need it.
export type OrgDomain = (host: string) => string;

let loading: Promise<OrgDomain> | undefined;

/** The registrable domain of a host name ("mx.google.com" -> "google.com"); the name itself when it has none. */
export function loadOrgDomain(): Promise<OrgDomain> {
  loading ??= import('tldts').then((mod) => {
    // Node resolves tldts' ESM build; an esbuild bundle may hand over the CommonJS one as `default`.
    const { getDomain } = ((mod as unknown as { default?: typeof mod }).default ?? mod) as typeof mod;
    return (host: string) => {
      const name = host.trim().toLowerCase().replace(/\.$/, '');
      return getDomain(name, { allowPrivateDomains: false }) ?? name;
    };
  });
  return loading;
}
