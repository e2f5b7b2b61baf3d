// An MCP client built with the official TypeScript SDK, discovering everything from the MCP
// server's first 401: node client.mjs SERVER_URL (cimd CLIENT_ID_URL | dcr).
// The browser step is the test's: the client prints "AUTHORIZE <url>" and reads the URL the
// browser was redirected to (code, state, iss) as one line on stdin. Then it lists the tools,
// calls whoami and prints "RESULT <json>".
import readline from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';

const [serverUrl, mode, clientIdUrl] = process.argv.slice(2);
const redirectUrl = 'http://127.0.0.1:41999/callback';
const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();

const stored = {};
const provider = {
  get redirectUrl() { return redirectUrl; },
  clientMetadataUrl: mode === 'cimd' ? clientIdUrl : undefined,
  get clientMetadata() {
    return { client_name: 'oauthd MCP test client', redirect_uris: [redirectUrl], grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'], token_endpoint_auth_method: 'none', application_type: 'native' };
  },
  state: () => 'mcp-state',
  clientInformation: () => stored.client,
  saveClientInformation: (c) => { stored.client = c; },
  tokens: () => stored.tokens,
  saveTokens: (t) => { stored.tokens = t; },
  saveCodeVerifier: (v) => { stored.verifier = v; },
  codeVerifier: () => stored.verifier,
  redirectToAuthorization: (url) => { stored.authorizationUrl = url; },
  saveDiscoveryState: (s) => { stored.discovery = s; },
  discoveryState: () => stored.discovery,
};

async function connect() {
  const transport = new StreamableHTTPClientTransport(new URL(serverUrl), { authProvider: provider });
  const client = new Client({ name: 'oauthd-test-client', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

async function main() {
  try {
    await connect();
    throw new Error('the MCP server answered without authorization');
  } catch (err) {
    if (!(err instanceof UnauthorizedError) || !stored.authorizationUrl) throw err;
  }
  console.log(`AUTHORIZE ${stored.authorizationUrl}`);
  const { value: back } = await lines.next();
  const url = new URL(back.trim());
  if (url.searchParams.get('state') !== 'mcp-state') throw new Error(`state ${url.searchParams.get('state')}`);
  if (url.searchParams.get('iss') !== stored.discovery?.authorizationServerMetadata?.issuer) {
    throw new Error(`iss ${url.searchParams.get('iss')} is not the discovered issuer`); // RFC 9207, checked by hand
  }
  const transport = new StreamableHTTPClientTransport(new URL(serverUrl), { authProvider: provider });
  await transport.finishAuth(url.searchParams.get('code'));
  const { client } = await connect();
  const tools = await client.listTools();
  const call = await client.callTool({ name: 'whoami', arguments: {} });
  console.log(`RESULT ${JSON.stringify({
    tools: tools.tools.map((t) => t.name), whoami: JSON.parse(call.content[0].text),
    client_id: stored.client.client_id, token: stored.tokens.access_token, scope: stored.tokens.scope,
    resource_metadata: stored.discovery?.resourceMetadata,
  })}`);
  await client.close();
  process.exit(0);
}

main().catch((err) => { console.error(`FAILED ${err?.stack ?? err}`); process.exit(1); });
