import 'reflect-metadata';
import { ConfigurationError, RestoreRefused, loadEnvironment, restoreBackup } from '@tracker/infrastructure';

/**
 * `npm run restore -- <file>` (the tracker stopped): checks the backup against its manifest, puts it in
 * place of EVENTSTORE_DATA_DIR's log (the replaced files kept aside) and gives the restored log an identity
 * of its own, so the next start rebuilds every read model from it.
 */
async function main(argv: string[]): Promise<void> {
  const file = argv.find((a) => !a.startsWith('--'));
  if (!file) {
    console.error('usage: npm run restore -- <file>   (a backup made by npm run backup, with its manifest)');
    process.exit(2);
  }
  const env = loadEnvironment();
  if (env.EVENTSTORE_CONNECTION_STRING) {
    console.error(
      'EVENTSTORE_CONNECTION_STRING names an external EventStoreDB/KurrentDB: restore it with its own procedure; the tracker rebuilds its read models by itself (README, "Backups")',
    );
    process.exit(2);
  }
  const result = await restoreBackup({ dataDir: env.EVENTSTORE_DATA_DIR, file });
  console.log(JSON.stringify(result));
  console.error(
    `restored ${file} (${result.manifest.events} records up to position ${result.manifest.lastPosition}, taken ${result.manifest.takenAt}) into ${env.EVENTSTORE_DATA_DIR}` +
      (result.replacedAside ? `; the replaced log is kept in ${result.replacedAside}` : '') +
      `; the log is now ${result.logId}: the next start rebuilds the read models`,
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(error instanceof ConfigurationError ? 2 : error instanceof RestoreRefused ? 3 : 1);
});
