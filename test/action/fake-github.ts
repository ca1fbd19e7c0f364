// A fake of the parts of GitHub the Action talks to, on 127.0.0.1: the REST API (GITHUB_API_URL:
// comments, issues, pull requests of a commit, artifacts), the Actions results service
// (ACTIONS_RESULTS_URL: CreateArtifact, FinalizeArtifact) and blob storage for the artifact bytes
// (block uploads, then the download GitHub redirects to). Every request is recorded.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  body: any;
}

interface Comment { id: number; issue: number; body: string }
interface Issue { number: number; title: string; body: string; labels: string[]; state: 'open' | 'closed'; state_reason?: string | null }
interface Artifact { id: number; name: string; runId: number; bytes: Buffer; created_at: string }

export interface FakeGitHub {
  url: string;
  requests: Recorded[];
  comments: Comment[];
  issues: Issue[];
  artifacts: Artifact[];
  /** Pull requests GitHub associates with a commit (a merge commit → the merged pull request). */
  pullsOfCommit: Map<string, { number: number; merged_at: string | null; head: { sha: string }; base: { ref: string } }[]>;
  /** Requests the fake has no route for: always expected empty. */
  unknown: Recorded[];
  close(): Promise<void>;
}

const TWIRP = '/twirp/github.actions.results.api.v1.ArtifactService/';

export async function fakeGitHub(): Promise<FakeGitHub> {
  const state: Omit<FakeGitHub, 'url' | 'close'> = { requests: [], comments: [], issues: [], artifacts: [], pullsOfCommit: new Map(), unknown: [] };
  const blocks = new Map<string, Map<string, Buffer>>(); // blob → block id → bytes
  const blobs = new Map<string, Buffer>();
  const pending = new Map<string, { name: string; runId: number }>(); // blob → artifact being uploaded
  let nextId = 100;
  let url = '';

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const u = new URL(req.url ?? '/', 'http://x');
    const isJson = (req.headers['content-type'] ?? '').includes('json');
    const rec: Recorded = { method: req.method ?? 'GET', path: u.pathname, query: Object.fromEntries(u.searchParams), body: isJson && raw.length ? JSON.parse(raw.toString()) : undefined };
    state.requests.push(rec);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const m = (re: RegExp) => (u.pathname.match(re) ?? null);
    const commentView = (c: Comment) => ({ id: c.id, body: c.body, html_url: `${url}/comment/${c.id}`, user: { login: 'github-actions[bot]', type: 'Bot' } });
    const issueView = (i: Issue) => ({ ...i, id: i.number, labels: i.labels.map((name) => ({ name })), html_url: `${url}/issue/${i.number}` });
    let p: RegExpMatchArray | null;

    if (req.method === 'POST' && u.pathname.startsWith(TWIRP)) {
      const method = u.pathname.slice(TWIRP.length);
      // Twirp's JSON, with the protobuf field names (as @actions/artifact sends them).
      const body = JSON.parse(raw.toString()) as { name: string; workflow_run_backend_id: string };
      const runId = Number(body.workflow_run_backend_id.replace('run-', ''));
      if (method === 'CreateArtifact') {
        const blob = `${body.name}-${nextId++}`;
        pending.set(blob, { name: body.name, runId });
        return json(200, { ok: true, signed_upload_url: `${url}/blob/${blob}?sig=upload-signature` });
      }
      if (method === 'FinalizeArtifact') {
        const [blob, info] = [...pending.entries()].find(([, v]) => v.name === body.name)!;
        pending.delete(blob);
        const artifact = { id: nextId++, name: info.name, runId: info.runId, bytes: blobs.get(blob) ?? Buffer.alloc(0), created_at: new Date().toISOString() };
        state.artifacts.push(artifact);
        return json(200, { ok: true, artifact_id: String(artifact.id) });
      }
    }
    if ((p = m(/^\/blob\/([^/]+)$/))) {
      const blob = p[1]!;
      if (req.method === 'PUT' && u.searchParams.get('comp') === 'block') {
        if (!blocks.has(blob)) blocks.set(blob, new Map());
        blocks.get(blob)!.set(u.searchParams.get('blockid')!, raw);
        res.writeHead(201).end();
        return;
      }
      if (req.method === 'PUT' && u.searchParams.get('comp') === 'blocklist') {
        const ids = [...raw.toString().matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]+)</g)].map((x) => x[1]!);
        blobs.set(blob, Buffer.concat(ids.map((id) => blocks.get(blob)!.get(id)!)));
        res.writeHead(201, { etag: '"1"', 'last-modified': new Date().toUTCString() }).end();
        return;
      }
      if (req.method === 'PUT') { // a single-shot upload
        blobs.set(blob, raw);
        res.writeHead(201, { etag: '"1"' }).end();
        return;
      }
      if (req.method === 'GET') {
        const artifact = state.artifacts.find((a) => String(a.id) === blob);
        if (!artifact) return json(404, {});
        res.writeHead(200, { 'content-type': 'application/zip', 'content-length': artifact.bytes.length });
        res.end(artifact.bytes);
        return;
      }
    }
    if ((p = m(/^\/repos\/[^/]+\/[^/]+\/(.*)$/))) {
      const rest = p[1]!;
      let q: RegExpMatchArray | null;
      if (req.method === 'GET' && (q = rest.match(/^issues\/(\d+)\/comments$/))) {
        return json(200, state.comments.filter((c) => c.issue === Number(q![1])).map(commentView));
      }
      if (req.method === 'POST' && (q = rest.match(/^issues\/(\d+)\/comments$/))) {
        const c = { id: nextId++, issue: Number(q[1]), body: rec.body.body as string };
        state.comments.push(c);
        return json(201, commentView(c));
      }
      if (req.method === 'PATCH' && (q = rest.match(/^issues\/comments\/(\d+)$/))) {
        const c = state.comments.find((x) => x.id === Number(q![1]));
        if (!c) return json(404, { message: 'Not Found' });
        c.body = rec.body.body;
        return json(200, commentView(c));
      }
      if (req.method === 'GET' && rest === 'issues') {
        const labels = (u.searchParams.get('labels') ?? '').split(',').filter(Boolean);
        const st = u.searchParams.get('state') ?? 'open';
        return json(200, state.issues.filter((i) => (st === 'all' || i.state === st) && labels.every((l) => i.labels.includes(l))).map(issueView));
      }
      if (req.method === 'POST' && rest === 'issues') {
        const i: Issue = { number: nextId++, title: rec.body.title, body: rec.body.body, labels: rec.body.labels ?? [], state: 'open' };
        state.issues.push(i);
        return json(201, issueView(i));
      }
      if (req.method === 'PATCH' && (q = rest.match(/^issues\/(\d+)$/))) {
        const i = state.issues.find((x) => x.number === Number(q![1]));
        if (!i) return json(404, { message: 'Not Found' });
        Object.assign(i, rec.body);
        return json(200, issueView(i));
      }
      if (req.method === 'GET' && (q = rest.match(/^commits\/([0-9a-f]+)\/pulls$/))) {
        return json(200, state.pullsOfCommit.get(q[1]!) ?? []);
      }
      if (req.method === 'GET' && rest === 'actions/artifacts') {
        const name = u.searchParams.get('name');
        const found = state.artifacts.filter((a) => !name || a.name === name);
        return json(200, {
          total_count: found.length,
          artifacts: found.map((a) => ({ id: a.id, name: a.name, size_in_bytes: a.bytes.length, expired: false, created_at: a.created_at, workflow_run: { id: a.runId } })),
        });
      }
      if (req.method === 'GET' && (q = rest.match(/^actions\/artifacts\/(\d+)\/zip$/))) {
        if (!state.artifacts.some((a) => String(a.id) === q![1])) return json(404, { message: 'Not Found' });
        res.writeHead(302, { location: `${url}/blob/${q[1]}?sig=download-signature` }).end();
        return;
      }
    }
    state.unknown.push(rec);
    json(404, { message: 'Not Found (fake GitHub has no such route)' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ...state, url,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
