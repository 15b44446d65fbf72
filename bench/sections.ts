// Benchmarks of single capabilities (merge, duplicates, import, retention, webhooks…), each a section of
// BENCHMARKS.md. A section gets the seeded databases of the run and returns its markdown (a heading, what was
// measured against which baseline, the figures). Add one by appending to SECTIONS.
// `npm run bench -- --only name[,name]` runs just those sections on the seeded data and prints them.

export interface SectionContext {
  /** Connection string to the server's maintenance database (to create scratch databases). */
  adminUrl: string;
  /** The seeded databases of this run, smallest first: { contacts, url }. */
  datasets: { contacts: number; url: string }[];
  quick: boolean;
  log(line: string): void;
}

export interface BenchSection {
  name: string;
  run(context: SectionContext): Promise<string>;
}

export const SECTIONS: BenchSection[] = [];
