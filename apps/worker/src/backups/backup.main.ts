import 'reflect-metadata';
import { ConfigurationError, loadEnvironment, takeBackup } from '@tracker/infrastructure';

/**
 * `npm run backup -- <file>`: a consistent copy of the embedded event store's log, taken while the tracker
 * runs (by the process serving EVENTSTORE_DATA_DIR) or while it is stopped, with `<file>.manifest.json`.
 */
async function main(argv: string[]): Promise<void> {
  const file = argv.find((a) => !a.startsWith('--'));
  if (!file) {
    console.error(
      'usage: npm run backup -- <file>   (the copy of EVENTSTORE_DATA_DIR’s log, plus <file>.manifest.json)',
    );
    process.exit(2);
  }
  const env = loadEnvironment();
  if (env.EVENTSTORE_CONNECTION_STRING) {
    console.error(
      'EVENTSTORE_CONNECTION_STRING names an external EventStoreDB/KurrentDB: back it up with its own procedure (README, "Backups")',
    );
    process.exit(2);
  }
  const started = Date.now();
  const manifest = await takeBackup({ dataDir: env.EVENTSTORE_DATA_DIR, file });
  console.log(JSON.stringify(manifest));
  console.error(
    `backup of ${env.EVENTSTORE_DATA_DIR}: ${manifest.events} records up to position ${manifest.lastPosition} (log ${manifest.logId ?? 'without identity'}), ${manifest.bytes} bytes in ${Date.now() - started} ms → ${file}`,
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(error instanceof ConfigurationError ? 2 : 1);
});
