// An MCP server built with the official TypeScript SDK, as an API behind oauthd's [[proxy]]:
// stateless Streamable HTTP on 127.0.0.1, one tool that answers with the identity oauthd
// forwarded (X-Auth-User, X-Auth-Audience). It does no authorization of its own: oauthd's
// proxy lets only valid tokens for its resource through. Prints "listening <port>".
import http from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

const port = Number(process.argv[2] ?? 0);

function newServer(headers) {
  const server = new McpServer({ name: 'oauthd-test-mcp', version: '1.0.0' });
  server.registerTool('whoami', { description: 'Who the caller is, as oauthd says' }, async () => ({
    content: [{ type: 'text', text: JSON.stringify({ user: headers['x-auth-user'], audience: headers['x-auth-audience'] }) }],
  }));
  return server;
}

const httpServer = http.createServer(async (req, res) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const raw = Buffer.concat(chunks).toString('utf8');
  const server = newServer(req.headers);
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on('close', () => { transport.close(); server.close(); });
  try {
    await server.connect(transport);
    await transport.handleRequest(req, res, raw ? JSON.parse(raw) : undefined);
  } catch (err) {
    if (!res.headersSent) {
      res.writeHead(500, { 'content-type': 'application/json' });
    }
    res.end(JSON.stringify({ error: String(err) }));
  }
});
httpServer.listen(port, '127.0.0.1', () => {
  console.log(`listening ${httpServer.address().port}`);
});
process.on('SIGTERM', () => httpServer.close(() => process.exit(0)));
