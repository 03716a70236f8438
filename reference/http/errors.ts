// Error responses in gunicorn's shape: status line, Connection: close, Content-Type, an exact
// Content-Length, a small HTML body; then the connection is closed.
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';

export function errorResponse(status: number, message: string): string {
  const reason = STATUS_CODES[status] ?? 'Error';
  const escaped = message.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const body = `<html>\n  <head>\n    <title>${reason}</title>\n  </head>\n  <body>\n    <h1><p>${reason}</p></h1>\n    ${escaped}\n  </body>\n</html>\n`;
  return `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/html\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

export function sendError(socket: Socket, status: number, message: string): void {
  if (socket.writable) socket.end(errorResponse(status, message));
  else socket.destroy();
}
