/** Where a command-line entry point writes (process.stdout/stderr in production, collectors in tests). */
export interface CommandIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}
