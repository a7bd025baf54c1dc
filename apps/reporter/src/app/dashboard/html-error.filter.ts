import { ArgumentsHost, Catch, HttpException, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import { renderErrorHtml } from '@pipeline/reporting';
import type { Response } from 'express';

/** The dashboard is read by people: its errors are an HTML page that says what to fix, not raw JSON. */
@Catch(HttpException)
export class HtmlErrorFilter implements ExceptionFilter {
  catch(exception: HttpException, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const status = exception.getStatus();
    const body = exception.getResponse();
    const message = typeof body === 'string' ? body : (body as { message?: string | string[] }).message;
    const messages = [message ?? exception.message].flat().filter((m): m is string => typeof m === 'string');
    const title = status === HttpStatus.BAD_REQUEST ? 'Bad request' : exception.name;
    res.status(status).type('text/html; charset=utf-8').send(renderErrorHtml(status, title, messages));
  }
}
