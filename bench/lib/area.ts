/** What every bench area (bench/<area>.ts) exports, so run.ts can find and start it by file name. */
export interface BenchOptions {
  /** Smaller sizes for a smoke run; figures are then not comparable with the targets. */
  quick: boolean;
}

export interface BenchArea {
  description: string;
  run(options: BenchOptions): Promise<void>;
}
