/**
 * The commands benchmark's ceiling for the stack the product fixes: the same dossier commands as
 * bench/support/bare-command-server.ts takes them (a token compared, the command run through the same
 * handleCommand, event store client and stream state cache, a JSON answer), served by a Nest application with
 * one controller and nothing else: no validation pipe, guards, interceptors, filters or middleware. On Express
 * (the API's adapter) or on Fastify (`NEST_ADAPTER=fastify`). What the API costs above it is its own pipeline;
 * what it costs above the bare server is Nest's and the adapter's. Not the tracker: a measuring stick for
 * `npm run bench:commands`, which starts it beside the API (PORT, EVENTSTORE_CONNECTION_STRING).
 */
import 'reflect-metadata';
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Module,
  Post,
  Req,
  UnauthorizedException,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { EventStoreDBClient } from '@eventstore/db-client';
import { TOKEN, commandRunner } from './dossier-lives';

const FASTIFY = process.env.NEST_ADAPTER === 'fastify';
const client = EventStoreDBClient.connectionString(process.env.EVENTSTORE_CONNECTION_STRING!);
const run = commandRunner(client);

@Controller('api')
class CommandsController {
  @Get('health')
  health() {
    return { status: 'ok' };
  }

  // Express 5's path-to-regexp names its wildcards; Fastify's router takes a bare one.
  @Post(['dossiers', FASTIFY ? 'dossiers/*' : 'dossiers/*rest'])
  @HttpCode(201)
  async command(
    @Headers('authorization') authorization: string | undefined,
    @Req() req: { url: string },
    @Body() body: Record<string, unknown>,
  ) {
    if (authorization !== `Bearer ${TOKEN}`) throw new UnauthorizedException();
    return { code: await run({ path: req.url, body }) };
  }
}

@Module({ controllers: [CommandsController] })
class CommandsModule {}

async function main(): Promise<void> {
  const app = FASTIFY
    ? await NestFactory.create(CommandsModule, new FastifyAdapter(), { logger: false })
    : await NestFactory.create(CommandsModule, { logger: false });
  await app.listen(Number(process.env.PORT), '127.0.0.1');
}

void main();

// A stop lets node write its CPU profile (--cpu-prof) as the API's does.
process.on('SIGTERM', () => {
  void client.dispose().finally(() => process.exit(0));
});
