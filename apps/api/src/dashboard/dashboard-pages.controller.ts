import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ApiError } from '../http/api-error';
import { Public } from '../http/auth.guard';
import { ApiErrors } from '../openapi/error-responses';

/** apps/api/public, from the sources (swc-node) or from a tsc build under dist/ alike. */
function publicDir(): string {
  const candidates = [
    resolve(__dirname, '../../public'),
    resolve(process.cwd(), 'apps/api/public'),
    resolve(__dirname, '../../../../../apps/api/public'),
  ];
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? candidates[0];
}

/** chart.js's self-contained UMD file (its package exports do not name it, so find it on disk). */
function chartJsFile(): string {
  let dir = __dirname;
  for (;;) {
    const file = join(dir, 'node_modules/chart.js/dist/chart.umd.min.js');
    if (existsSync(file)) return file;
    const up = dirname(dir);
    if (up === dir) return join(process.cwd(), 'node_modules/chart.js/dist/chart.umd.min.js');
    dir = up;
  }
}

const ASSET = /^[a-z][a-z0-9-]{0,40}\.(html|js|css|svg)$/;

/**
 * The dashboard's static pages, outside the `/api` guard: they hold no data; they call the JSON API with the
 * login session's cookie (a person of the users file) or a token kept in sessionStorage (`Authorization: Bearer`).
 */
@ApiTags('Trang web')
@Controller()
@Public()
export class DashboardPagesController {
  private readonly root = publicDir();
  private readonly chartJs = chartJsFile();

  @Get()
  @ApiOperation({ summary: 'Trang chủ (đăng nhập, menu)' })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'Trang HTML' })
  index(@Res() res: Response): void {
    this.send(res, 'index.html');
  }

  @Get('vendor/chart.umd.min.js')
  @Header('Cache-Control', 'public, max-age=86400')
  @ApiOperation({ summary: 'Chart.js cho các trang (phục vụ tại chỗ)' })
  @ApiProduces('application/javascript')
  @ApiOkResponse({ description: 'Tệp JavaScript' })
  chart(@Res() res: Response): void {
    res.type('application/javascript').sendFile(this.chartJs);
  }

  @Get(':file')
  @ApiOperation({ summary: 'Một trang hoặc tệp tĩnh của giao diện (board.html, clerk.js, app.css, …)' })
  @ApiProduces('text/html', 'application/javascript', 'text/css', 'image/svg+xml')
  @ApiOkResponse({ description: 'Tệp tĩnh' })
  @ApiErrors(404)
  asset(@Param('file') file: string, @Res() res: Response): void {
    if (!ASSET.test(file)) throw new ApiError(404, 'NOT_FOUND', `no page ${file}`);
    this.send(res, file);
  }

  private send(res: Response, file: string): void {
    if (!existsSync(join(this.root, file))) throw new ApiError(404, 'NOT_FOUND', `no page ${file}`);
    // Security headers (CSP, nosniff, referrer policy) come from helmet (configure-http.ts).
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(file, { root: this.root, dotfiles: 'deny' });
  }
}
