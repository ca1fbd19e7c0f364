// Where in the file a value lives: map a data path (as zod and the rules report it) to the
// 1-based line:column of its node, through the yaml Document and a LineCounter.
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter, Node, Pair, YAMLMap } from 'yaml';

export type Path = readonly PropertyKey[];
export interface Position { line: number; col: number }

/** A problem found at a path in the data; `key: true` points at the mapping key itself. */
export interface PathProblem {
  path: Path;
  /** Point at the mapping key itself (unknown or duplicate keys, undeclared names). */
  key?: boolean;
  message: string;
  /** Another node the message refers to (e.g. the first of two duplicates); its line fills `{related-line}`, its file:line:col `{related-at}`. */
  related?: Path | undefined;
}

export class Positions {
  readonly #doc: Document;
  readonly #lc: LineCounter;
  readonly #index = new WeakMap<YAMLMap, Map<string, Pair>>();

  constructor(doc: Document, lineCounter: LineCounter) {
    this.#doc = doc;
    this.#lc = lineCounter;
  }

  /** Line and column of a byte offset into the source. */
  ofOffset(offset: number): Position {
    const { line, col } = this.#lc.linePos(offset);
    return { line, col };
  }

  /**
   * Position of the node at `path`. With `key`, the key of the last pair. When the path goes
   * further than the document (a missing field), the deepest existing key or node.
   */
  at(path: Path, key = false): Position {
    let node: unknown = this.#doc.contents;
    let anchor: Node | null = (this.#doc.contents as Node | null) ?? null;
    // The key of the pair whose value is `node` (null at the root and in sequences).
    let ownKey: Node | null = null;
    let complete = true;
    for (const seg of path) {
      node = this.#deref(node);
      if (isMap(node)) {
        const pair = this.#pairs(node).get(String(seg));
        if (!pair) {
          complete = false;
          break;
        }
        ownKey = (pair.key as Node | null) ?? null;
        node = pair.value;
        const empty = isScalar(node) && node.value === null && !node.source;
        anchor = node && (node as Node).range && !empty ? (node as Node) : ownKey;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
        node = node.items[seg];
        ownKey = null;
        if ((node as Node).range) anchor = node as Node;
      } else {
        complete = false;
        break;
      }
    }
    // A missing field: point at the key of the mapping that lacks it.
    const target = (key || !complete) && ownKey ? ownKey : anchor;
    const start = target?.range?.[0];
    return start === undefined ? { line: 1, col: 1 } : this.ofOffset(start);
  }

  /** The pairs of a map by key, built once per map (keeps lookups linear for large matrices). */
  #pairs(map: YAMLMap): Map<string, Pair> {
    let idx = this.#index.get(map);
    if (!idx) {
      idx = new Map();
      for (const pair of map.items) {
        if (!isPair(pair)) continue;
        const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (!idx.has(k)) idx.set(k, pair);
      }
      this.#index.set(map, idx);
    }
    return idx;
  }

  #deref(node: unknown): unknown {
    let n = node;
    for (let i = 0; i < 20 && isAlias(n); i++) n = n.resolve(this.#doc);
    return n;
  }
}

export function formatPosition(file: string, pos: Position, message: string): string {
  return `${file}:${pos.line}:${pos.col}: ${message}`;
}
