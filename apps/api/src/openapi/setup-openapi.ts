import type { INestApplication, Type } from '@nestjs/common';
import { METHOD_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type {
  OperationObject,
  ParameterObject,
  PathItemObject,
  ReferenceObject,
  SchemaObject,
} from '@nestjs/swagger';
import { ACTION_ROLES, DOSSIER_STEPS, FEEDBACK_STEPS, type Action } from '@tracker/domain';
import type { TokenRole } from '@tracker/infrastructure';
import { CORRELATION_ID_PATTERN } from '../dossiers/dossiers.http.controller';
import { ACTION, PUBLIC, ROLES } from '../http/auth.guard';
import { IDEMPOTENCY_KEY_PATTERN } from '../http/idempotency.guard';
import {
  describeParameterDto,
  dtoSchemas,
  parameterDtoSchema,
  schemaRef,
  stepBodySchemas,
} from './dto-schemas';
import { ERROR_SCHEMAS, refusalResponse, type RefusalStatus } from './error-responses';
import { SESSION_COOKIE } from '../session/session-auth';

/** Where the description and its page are served (public, outside the bearer guard). */
export const OPENAPI_JSON_PATH = '/api/openapi.json';
export const DOCS_PATH = '/api/docs';
/** The security schemes' names: a bearer token (the tokens file) or the HttpOnly session cookie set by
 * `POST /api/session` (PRODUCT.md, the users file). */
export const BEARER_SCHEME = 'bearer';
export const SESSION_SCHEME = 'session';

/** The step DTOs whose bodies are one schema per step type, and the step modules behind each. */
const STEP_BODIES = {
  RecordDossierStepRequest: DOSSIER_STEPS,
  RecordFeedbackStepRequest: FEEDBACK_STEPS,
} as const;

type Handler = Readonly<{ controller: Type<unknown>; key: string; handler: (...args: unknown[]) => unknown }>;

/** Every route handler of the app's controllers, by the operation id the document gives it. */
function handlers(app: INestApplication): Map<string, Handler> {
  const out = new Map<string, Handler>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller?.prototype) continue;
      for (const key of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = Object.getOwnPropertyDescriptor(controller.prototype, key)?.value;
        if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined)
          continue;
        out.set(operationId(controller.name, key), { controller, key, handler });
      }
    }
  }
  return out;
}

const operationId = (controller: string, method: string) => `${controller}_${method}`;

/** The DTO classes a handler reads its query and path parameters from. */
function parameterDtos({ controller, key }: Handler): Type<unknown>[] {
  const args: Record<string, { index: number }> =
    Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, key) ?? {};
  const types: Type<unknown>[] = Reflect.getMetadata('design:paramtypes', controller.prototype, key) ?? [];
  return Object.entries(args)
    .filter(([key]) => [RouteParamtypes.QUERY, RouteParamtypes.PARAM].includes(Number(key.split(':')[0])))
    .map(([, { index }]) => types[index])
    .filter((t): t is Type<unknown> => typeof t === 'function');
}

type Access = Readonly<{ public: boolean; roles: readonly TokenRole[] | null }>;

/** Who may call a handler, read from the metadata the auth guard reads (`@Public`, `@Roles`, `@Can`). */
function accessOf({ controller, handler }: Handler): Access {
  const read = <T>(key: string): T | undefined =>
    Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller);
  if (read<boolean>(PUBLIC)) return { public: true, roles: null };
  const roles = read<TokenRole[]>(ROLES);
  const action = read<Action>(ACTION);
  const allowed = action ? [...ACTION_ROLES[action]] : roles;
  return { public: false, roles: allowed ? ['admin', ...allowed.filter((r) => r !== 'admin')] : null };
}

/** The description of the API as the running app registers it. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const schemas = dtoSchemas();
  const routes = handlers(app);
  for (const route of routes.values()) {
    for (const dto of parameterDtos(route)) describeParameterDto(dto);
  }
  const config = new DocumentBuilder()
    .setTitle('Dossier tracker API')
    .setDescription(
      'Theo dõi hồ sơ thủ tục hành chính (Bộ phận Một cửa), phản ánh kiến nghị và Bộ chỉ số QĐ 766. ' +
        'Mọi lỗi có dạng `{ "error": { "code", "message", "details"? } }`. Các lệnh ghi nhận ' +
        '`Idempotency-Key`: gửi lại cùng khóa và cùng thân thì nhận lại câu trả lời đầu, không ghi thêm gì.',
    )
    .setVersion('1')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'Token trong tệp `TRACKER_TOKENS_FILE`' },
      BEARER_SCHEME,
    )
    .addCookieAuth(
      SESSION_COOKIE,
      {
        type: 'apiKey',
        in: 'cookie',
        name: SESSION_COOKIE,
        description: 'Cookie phiên HttpOnly do `POST /api/session` đặt (người dùng trong tệp người dùng)',
      },
      SESSION_SCHEME,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: operationId,
    extraModels: ERROR_SCHEMAS,
  });
  const components = (document.components ??= {});
  const docSchemas = (components.schemas ??= {}) as Record<string, SchemaObject | ReferenceObject>;

  // The DTOs' own schemas replace what @nestjs/swagger saw of them (nothing but their name, for bodies).
  for (const name of Object.keys(docSchemas)) if (schemas[name]) docSchemas[name] = schemas[name];
  for (const [name, steps] of Object.entries(STEP_BODIES)) {
    if (docSchemas[name] && schemas[name])
      Object.assign(docSchemas, stepBodySchemas(name, schemas[name], steps));
  }
  addReferencedSchemas(docSchemas, schemas);

  for (const [path, item] of Object.entries(document.paths) as [string, PathItemObject][]) {
    for (const [method, operation] of Object.entries(item) as [string, OperationObject][]) {
      const route = operation.operationId ? routes.get(operation.operationId) : undefined;
      if (!route) continue;
      const validated =
        Boolean(operation.requestBody) ||
        parameterDtos(route).some((dto) => parameterDtoSchema(dto) !== undefined);
      describeAccess(operation, accessOf(route), path, validated);
      if (method === 'post' || method === 'put') {
        (operation.parameters ??= []).push(IDEMPOTENCY_KEY, CORRELATION_ID);
      }
    }
  }
  return document;
}

const IDEMPOTENCY_KEY: ParameterObject = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'Gửi lại cùng khóa và cùng thân: trả lời như lần đầu và không ghi gì thêm',
  schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN.source, example: 'rcv-0001' },
};

const CORRELATION_ID: ParameterObject = {
  name: 'X-Correlation-Id',
  in: 'header',
  required: false,
  description:
    'Mã theo dõi yêu cầu, ghi vào siêu dữ liệu các sự kiện (sinh ngẫu nhiên khi không gửi hoặc sai dạng)',
  schema: { type: 'string', pattern: CORRELATION_ID_PATTERN.source },
};

/** Security and the refusals every route of its kind can give, from the route's metadata. */
function describeAccess(operation: OperationObject, access: Access, path: string, validated: boolean): void {
  const refusals: RefusalStatus[] = [];
  if (validated) refusals.push(400);
  if (!access.public) {
    operation.security = [{ [BEARER_SCHEME]: [] }, { [SESSION_SCHEME]: [] }];
    refusals.push(401);
    if (access.roles) {
      refusals.push(403);
      operation.description = [operation.description, `Vai trò được gọi: ${access.roles.join(', ')}.`]
        .filter(Boolean)
        .join('\n\n');
    }
  }
  if (operation.requestBody) refusals.push(413);
  refusals.push(429);
  if (path.startsWith('/api/')) refusals.push(503);
  for (const status of refusals) {
    operation.responses[status] ??= refusalResponse(status, schemaRef);
  }
}

/** Nested DTOs (a procedure's time limit, a decision's items) that the document names but does not hold. */
function addReferencedSchemas(
  docSchemas: Record<string, SchemaObject | ReferenceObject>,
  schemas: Record<string, SchemaObject>,
): void {
  const prefix = schemaRef('');
  const pending = JSON.stringify(docSchemas).matchAll(/"\$ref":"([^"]+)"/g);
  const queue = [...pending].map((m) => m[1]);
  while (queue.length) {
    const name = queue.pop()!.slice(prefix.length);
    if (docSchemas[name] || !schemas[name]) continue;
    docSchemas[name] = schemas[name];
    for (const m of JSON.stringify(schemas[name]).matchAll(/"\$ref":"([^"]+)"/g)) queue.push(m[1]);
  }
}

/** `GET /api/openapi.json` and the browsable page `GET /api/docs` (swagger-ui-dist, served from the app). */
export function setupOpenApi(app: INestApplication): void {
  // Built on the first request for it (then kept): building it takes a few hundred milliseconds of a start.
  SwaggerModule.setup(DOCS_PATH.slice(1), app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: OPENAPI_JSON_PATH.slice(1),
    raw: ['json'],
    customSiteTitle: 'Dossier tracker API',
    // No validator badge: it would call a public validator service, and the office LAN has no internet.
    swaggerOptions: { validatorUrl: null, persistAuthorization: false },
  });
}
