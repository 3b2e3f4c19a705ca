/** The part of a pino logger the jobs code uses: data object first, then a fixed message. */
export interface JobsLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLog: JobsLog = { info() {}, warn() {}, error() {} };
