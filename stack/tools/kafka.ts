import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run, which } from '../exec.ts';
import { cacheDir, repoRoot } from '../paths.ts';
import type { ToolSpec } from '../tool.ts';

/** Newest Kafka 4.x on Maven Central when pinned; kafkajs 2.2.4 was checked against it (produce, groups, admin, transactions). */
export const kafkaVersion = '4.4.0';

/** One folder of jars per version: `java -cp '<libs>/*' kafka.Kafka …` needs nothing else. */
export const kafkaHome = join(cacheDir, `kafka-${kafkaVersion}`);
export const kafkaLibsDir = join(kafkaHome, 'libs');
/** Written after a complete copy, so an interrupted one is redone rather than trusted. */
const completeMarker = join(kafkaHome, 'libs.complete');

/** The Maven project that names the broker's jars, and the broker's logging config. */
export const kafkaPom = join(repoRoot, 'stack', 'kafka', 'pom.xml');
export const kafkaLog4jConfig = join(repoRoot, 'stack', 'kafka', 'log4j2.yaml');

const installFix = `install Java 17 and Maven (\`apt-get install openjdk-17-jre-headless maven\`), then run \`mvn -f stack/kafka/pom.xml -Dkafka.version=${kafkaVersion} dependency:copy-dependencies -DoutputDirectory=${kafkaLibsDir}\` and \`touch ${completeMarker}\``;

/** The Kafka version a libs folder holds, read from its `kafka_2.13-<version>.jar`. */
export function versionFromJarNames(jarNames: string[]): string | null {
  for (const name of jarNames) {
    const match = /^kafka_2\.13-(.+)\.jar$/.exec(name);
    if (match?.[1]) return match[1];
  }
  return null;
}

async function copyJarsWithMaven(progress: (line: string) => void): Promise<void> {
  const mvn = await which('mvn');
  if (!mvn) throw new Error(`Maven (mvn) is not on PATH, and Kafka's jars come from Maven Central through it: ${installFix}`);
  progress(`resolving org.apache.kafka:kafka_2.13:${kafkaVersion} with Maven (downloads are cached in ~/.m2)`);
  await run(
    mvn,
    ['-q', '-B', '-f', kafkaPom, `-Dkafka.version=${kafkaVersion}`, 'dependency:copy-dependencies', `-DoutputDirectory=${kafkaLibsDir}`],
    { timeoutMs: 15 * 60_000 },
  );
}

async function folderSizeMiB(dir: string, names: string[]): Promise<number> {
  let bytes = 0;
  for (const name of names) bytes += (await stat(join(dir, name))).size;
  return Math.round(bytes / 1024 / 1024);
}

export const kafkaTool: ToolSpec = {
  name: 'kafka',
  pinned: kafkaVersion,
  fix: installFix,

  async locate() {
    return existsSync(completeMarker) ? kafkaLibsDir : null;
  },

  async version(libsDir: string) {
    const found = versionFromJarNames(await readdir(libsDir));
    if (!found) throw new Error(`${libsDir} holds no kafka_2.13-*.jar: remove ${kafkaHome} and run \`vora provision\``);
    return found;
  },

  async install(progress) {
    if (!(await which('java'))) throw new Error(`java is not on PATH (Kafka ${kafkaVersion} needs Java 17+): ${installFix}`);
    progress(`clearing ${kafkaHome}`);
    await rm(kafkaHome, { recursive: true, force: true });
    await mkdir(kafkaLibsDir, { recursive: true });
    await copyJarsWithMaven(progress);
    const jars = (await readdir(kafkaLibsDir)).filter((name) => name.endsWith('.jar'));
    if (versionFromJarNames(jars) !== kafkaVersion) {
      throw new Error(`Maven finished but ${kafkaLibsDir} has no kafka_2.13-${kafkaVersion}.jar: ${installFix}`);
    }
    await writeFile(completeMarker, `${jars.sort().join('\n')}\n`);
    progress(`kafka ${kafkaVersion}: ${jars.length} jars (${await folderSizeMiB(kafkaLibsDir, jars)} MiB) in ${kafkaLibsDir}`);
  },
};
