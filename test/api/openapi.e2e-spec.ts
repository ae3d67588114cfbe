import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { DOCS_PATH, OPENAPI_JSON_PATH } from '../../apps/api/src/openapi/setup-openapi';
import { launchBrowser } from '../dashboard/browser';
import { ApiHarness, TOKENS, startApi } from '../support/api-harness';

jest.setTimeout(120_000);

// The OpenAPI description as the running app serves it: every route the app registers is in it (found
// from Express's router at run time, so routes added later are checked too), and it is a valid OpenAPI 3
// document; /api/docs is a page that renders it from the app's own files.

let api: ApiHarness;
let document: any;

beforeAll(async () => {
  api = await startApi({ worker: { deadlines: false } });
  const res = await api.http.get(OPENAPI_JSON_PATH).expect(200).expect('content-type', /json/);
  document = res.body;
  if (process.env.OPENAPI_DUMP) writeFileSync(process.env.OPENAPI_DUMP, JSON.stringify(document, null, 2));
});

afterAll(async () => {
  await api?.close();
});

/** @apidevtools/swagger-parser's verdict on a document (an ES module, which jest's CommonJS runtime cannot
 * load: it runs in a node of its own). */
function validateOpenApi(doc: unknown): { valid: boolean; error?: string } {
  const script = `
    import SwaggerParser from '@apidevtools/swagger-parser';
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    try { await SwaggerParser.validate(JSON.parse(text)); console.log(JSON.stringify({ valid: true })); }
    catch (e) { console.log(JSON.stringify({ valid: false, error: e.message })); }`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    input: JSON.stringify(doc),
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

type Route = { method: string; path: string };

/** Every route Express will dispatch to, with `:param` written as OpenAPI's `{param}`. */
function registeredRoutes(): Route[] {
  const express = api.app.getHttpAdapter().getInstance();
  const stack: any[] = (express.router ?? express._router).stack;
  return stack
    .filter((layer) => layer.route)
    .flatMap((layer) =>
      Object.keys(layer.route.methods)
        .filter((m) => m !== '_all')
        .map((method) => ({
          method,
          path: String(layer.route.path).replace(/:(\w+)/g, '{$1}'),
        })),
    );
}

/** The description's own routes are not described in it. */
const ownRoutes = (path: string) => path === OPENAPI_JSON_PATH || path.startsWith(DOCS_PATH);

describe('GET /api/openapi.json', () => {
  it('describes every route the app registers, with its method', () => {
    const routes = registeredRoutes().filter((r) => !ownRoutes(r.path));
    expect(routes.length).toBeGreaterThan(30);
    const missing = routes.filter((r) => !document.paths[r.path]?.[r.method]);
    expect(missing).toEqual([]);
    // And nothing described that the app does not serve.
    const described = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item as object)
        .filter((k) => ['get', 'post', 'put', 'patch', 'delete'].includes(k))
        .map((method) => `${method} ${path}`),
    );
    expect(described.sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('is a valid OpenAPI 3 document', () => {
    expect(validateOpenApi(document)).toEqual({ valid: true });
    expect(document.openapi).toMatch(/^3\./);
    // The validator does find faults (a response without its description, an unknown schema reference).
    const broken = structuredClone(document);
    broken.paths['/api/dossiers'].post.responses['201'] = { content: {} };
    broken.paths['/api/units'].get.responses['200'] = {
      description: 'x',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Nothing' } } },
    };
    expect(validateOpenApi(broken)).toEqual({ valid: false, error: expect.any(String) });
  });

  it('names the security schemes and which routes need them', () => {
    expect(document.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
      session: { type: 'apiKey', in: 'cookie' },
    });
    expect(document.paths['/api/health'].get.security).toBeUndefined();
    expect(document.paths['/api/dossiers'].post.security).toEqual([{ bearer: [] }, { session: [] }]);
  });

  it('gives each write its body, each list its query, each refusal its error body', () => {
    const receive = document.paths['/api/dossiers'].post;
    expect(receive.requestBody.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/ReceiveDossierRequest',
    );
    const receiveSchema = document.components.schemas.ReceiveDossierRequest;
    expect(receiveSchema.required).toEqual(
      expect.arrayContaining(['unitId', 'procedureCode', 'channel', 'receivedAt']),
    );
    expect(receiveSchema.properties.receivedAt).toMatchObject({ type: 'string', format: 'date-time' });
    expect(receiveSchema.properties.channel.enum).toEqual(['in-person', 'postal', 'online']);
    for (const status of ['400', '401', '403', '413', '422', '429', '503']) {
      expect(receive.responses[status]).toBeDefined();
    }
    expect(receive.responses['400'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/ValidationErrorBody',
    );
    expect(receive.responses['401'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/ApiErrorBody',
    );

    const list = document.paths['/api/dossiers'].get;
    const query = Object.fromEntries(
      list.parameters.filter((p: any) => p.in === 'query').map((p: any) => [p.name, p]),
    );
    expect(Object.keys(query).sort()).toEqual(
      ['cursor', 'due', 'limit', 'receivedFrom', 'receivedTo', 'status', 'unitId'].sort(),
    );
    expect(query.limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 500 });
    expect(query.due.schema.enum).toEqual(['overdue', 'due-soon']);

    const path = document.paths['/api/dossiers/{code}'].get.parameters.find((p: any) => p.in === 'path');
    expect(path).toMatchObject({ name: 'code', required: true, schema: { type: 'string' } });
  });

  it('describes a step body per step type, from the step modules, as a oneOf by type', async () => {
    const steps = (await api.as(TOKENS.clerkA).get('/api/step-types').expect(200)).body;
    const body = document.paths['/api/dossiers/{code}/events'].post.requestBody.content['application/json'];
    const oneOf = document.components.schemas[body.schema.$ref.split('/').pop()];
    expect(oneOf.discriminator.propertyName).toBe('type');
    // One schema per step type the API accepts: those the step modules list for callers.
    const types = steps.steps.map((s: { type: string }) => s.type).sort();
    expect(Object.keys(oneOf.discriminator.mapping).sort()).toEqual(types);
    expect(oneOf.oneOf).toHaveLength(types.length);
    const processed = document.components.schemas['RecordDossierStepRequest.processed'];
    expect(processed.required).toEqual(['type', 'occurredAt', 'outcome']);
    expect(processed.properties.outcome.enum).toEqual(['approved', 'denied']);
    expect(processed.additionalProperties).toBe(false);
    const transferred = document.components.schemas['RecordDossierStepRequest.transferred'];
    expect(transferred.required).toEqual(['type', 'occurredAt', 'toUnitId']);
    expect(Object.keys(transferred.properties).sort()).toEqual(['occurredAt', 'reason', 'toUnitId', 'type']);
    const correction = document.components.schemas['RecordDossierStepRequest.correction-recorded'];
    expect(correction.properties.value.type).toBeUndefined(); // any JSON value
    const feedback = document.components.schemas.RecordFeedbackStepRequest;
    expect(feedback.discriminator.mapping.forwarded).toBe(
      '#/components/schemas/RecordFeedbackStepRequest.forwarded',
    );
  });
});

/** The documented schema of an operation's answer (a $ref resolved). */
function answerSchema(path: string, method: string, status: string): any {
  const schema = document.paths[path][method].responses[status].content['application/json'].schema;
  return resolve(schema);
}
const resolve = (schema: any): any =>
  schema?.$ref ? document.components.schemas[schema.$ref.split('/').pop()] : schema;

/** The answer's keys are the documented properties: every required one there, none undocumented. */
function expectShape(value: Record<string, unknown>, schema: any): void {
  const documented = Object.keys(schema.properties ?? {});
  expect(documented.length).toBeGreaterThan(0);
  expect(Object.keys(value).filter((k) => !documented.includes(k))).toEqual([]);
  expect((schema.required ?? []).filter((k: string) => !(k in value))).toEqual([]);
}

describe('the answers', () => {
  it('have the shapes the description gives them', async () => {
    const admin = api.as(TOKENS.admin);
    await admin.put('/api/units/SCT').send({ name: 'Sở Công Thương', level: 'department' }).expect(200);
    await admin
      .put('/api/procedures/1.001')
      .send({
        name: 'Cấp giấy phép',
        units: ['SCT'],
        timeLimit: { value: 10, unit: 'working-days' },
        onlineLevel: 'full',
        feeRequired: true,
        requiresWrittenResult: true,
      })
      .expect(200);
    // The documented example of a receipt is a request the API accepts.
    const example =
      document.paths['/api/dossiers'].post.requestBody.content['application/json'].examples.online.value;
    const received = await api.as(TOKENS.clerkA).post('/api/dossiers').send(example).expect(201);
    expectShape(received.body, answerSchema('/api/dossiers', 'post', '201'));
    const step =
      document.paths['/api/dossiers/{code}/events'].post.requestBody.content['application/json'].examples
        .processed.value;
    const recorded = await api
      .as(TOKENS.clerkA)
      .post(`/api/dossiers/${received.body.code}/events`)
      .send(step)
      .expect(201);
    expectShape(recorded.body, answerSchema('/api/dossiers/{code}/events', 'post', '201'));

    await api.waitForProjections();
    const page = await api.as(TOKENS.clerkA).get('/api/dossiers').expect(200);
    const pageSchema = answerSchema('/api/dossiers', 'get', '200');
    expectShape(page.body, pageSchema);
    expect(page.body.items).toHaveLength(1);
    expectShape(page.body.items[0], resolve(pageSchema.properties.items.items));

    const card = await api.as(TOKENS.reform).get('/api/scorecards?period=2025').expect(200);
    const cardSchema = answerSchema('/api/scorecards', 'get', '200');
    expectShape(card.body, cardSchema);
    const unitSchema = resolve(cardSchema.properties.units.items);
    expectShape(card.body.units[0], unitSchema);
    const groupSchema = resolve(unitSchema.properties.groups.items);
    expectShape(card.body.units[0].groups[0], groupSchema);
    expectShape(card.body.units[0].groups[0].criteria[0], resolve(groupSchema.properties.criteria.items));

    const health = await api.http.get('/api/health').expect(200);
    expectShape(health.body, answerSchema('/api/health', 'get', '200'));

    const refused = await api.as(TOKENS.clerkA).post('/api/dossiers').send({ unitId: 'SCT' }).expect(400);
    const refusal = answerSchema('/api/dossiers', 'post', '400');
    expectShape(refused.body, refusal);
    expectShape(refused.body.error, resolve(refusal.properties.error));
    expectShape(
      refused.body.error.details[0],
      resolve(resolve(refusal.properties.error).properties.details.items),
    );
  });
});

describe('GET /api/docs', () => {
  it('is a page that renders the description from the app itself (no outside request, no CSP refusal)', async () => {
    await api.app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(api.app.getHttpServer().address() as { port: number }).port}`;
    const html = await api.http.get(DOCS_PATH).redirects(1).expect(200).expect('content-type', /html/);
    expect(html.text).toContain('swagger-ui');
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      const outside: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(e.message));
      page.on(
        'request',
        (r) => !r.url().startsWith(base) && !r.url().startsWith('data:') && outside.push(r.url()),
      );
      await page.goto(`${base}${DOCS_PATH}`);
      await page
        .locator('.opblock-summary-path', { hasText: '/api/dossiers/{code}/events' })
        .first()
        .waitFor();
      expect(await page.locator('.opblock').count()).toBeGreaterThan(30);
      expect(problems).toEqual([]);
      expect(outside).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
