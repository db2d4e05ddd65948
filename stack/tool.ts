/** A binary (or folder of jars) the stack needs, found on PATH or in the cache, or installed there. */
export interface ToolSpec {
  name: string;
  /** The pinned version we install, e.g. `v1.5.1`. */
  pinned: string;
  /** Absolute path of a usable binary/folder, or null. PATH first, then the cache. */
  locate(): Promise<string | null>;
  /** Version string as the tool reports it. */
  version(path: string): Promise<string>;
  /** Installs into the cache (or via apt-get when root). `progress` prints one line per step. */
  install(progress: (line: string) => void): Promise<void>;
  /** One line telling a person how to get it by hand when install is impossible. */
  fix: string;
}
