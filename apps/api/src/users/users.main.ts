import 'reflect-metadata';
import { ConfigurationError } from '@tracker/infrastructure';
import { runUsersCli, UsageError } from './users-cli';

/** A line typed on the terminal without echo (raw mode: backspace and Ctrl-C handled here). */
function askHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolve) => {
    let value = '';
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          stdin.setRawMode(false);
          process.stderr.write('\n');
          process.exit(130);
        }
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else value += ch;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}

/** The first line of standard input (a pipe: `printf '%s\n' "$PW" | npm run users -- passwd lan`). */
async function firstLine(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.split(/\r?\n/)[0];
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return firstLine();
  const first = await askHidden('Mật khẩu (password): ');
  const again = await askHidden('Nhập lại (again): ');
  if (first !== again) throw new UsageError('the two passwords differ; nothing was written');
  return first;
}

runUsersCli(process.argv.slice(2), {
  file: process.env.TRACKER_USERS_FILE || undefined,
  readPassword,
  out: (line) => console.log(line),
}).catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof ConfigurationError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
