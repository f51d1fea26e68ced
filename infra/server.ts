/** What every local server provides to `infra up|down|status`. */
export interface LocalServer {
  name: 'kafka' | 'registry' | 'azurite' | 'dovecot' | 'postfix' | 'prometheus';
  endpoint: string;
  /** Downloads or installs what the server needs; cheap when already done. */
  prepare(progress: (line: string) => void): Promise<void>;
  /** Starts the server detached and returns its pid (also written to its pid file). */
  start(progress: (line: string) => void): Promise<number>;
  /** True when the server answers like a ready server, whoever started it. */
  healthy(): Promise<boolean>;
  /** Optional extra clean-up after the process stopped (scratch data). */
  afterStop?(): Promise<void>;
  startTimeoutMs: number;
}
