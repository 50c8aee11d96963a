import {
  type Document,
  isCollection,
  isMap,
  isNode,
  isPair,
  isScalar,
  LineCounter,
  parseDocument,
  type YAMLError,
} from "yaml";

export interface SourcePosition {
  line: number;
  column: number;
}

export interface YamlSyntaxProblem extends SourcePosition {
  message: string;
}

/** A parsed YAML file that still knows where every value came from. */
export class YamlSource {
  readonly data: unknown;
  readonly syntaxProblems: YamlSyntaxProblem[];
  private readonly document: Document;
  private readonly lines = new LineCounter();

  constructor(text: string) {
    // prettyErrors would quote the offending source line in the message, and that line may hold a secret; the
    // position is computed from the error's offset instead (without prettyErrors, `linePos` is never set).
    this.document = parseDocument(text, { lineCounter: this.lines, uniqueKeys: true, prettyErrors: false });
    this.syntaxProblems = this.document.errors.map((error) => ({
      ...this.position(error.pos[0]),
      message: describeYamlError(error, text),
    }));
    this.data = this.syntaxProblems.length === 0 ? this.document.toJS() : undefined;
  }

  /**
   * Where the value at `path` starts. For a key that is absent, the nearest enclosing value that exists
   * (so "is required" points at the mapping that lacks the key).
   */
  positionOf(path: readonly PropertyKey[]): SourcePosition {
    for (let length = path.length; length >= 0; length--) {
      const offset = this.offsetOf(path.slice(0, length));
      if (offset !== undefined) return this.position(offset);
    }
    return { line: 1, column: 1 };
  }

  /** Where the key (not the value) of the entry at `path` starts: an unknown key is reported at the key. */
  keyPositionOf(path: readonly PropertyKey[]): SourcePosition {
    const parent = this.document.getIn(path.slice(0, -1), true);
    if (isMap(parent)) {
      const key = path[path.length - 1];
      const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
      if (pair !== undefined && isNode(pair.key) && pair.key.range) return this.position(pair.key.range[0]);
    }
    return this.positionOf(path);
  }

  private offsetOf(path: readonly PropertyKey[]): number | undefined {
    const node = path.length === 0 ? this.document.contents : this.document.getIn(path as unknown[], true);
    if (isNode(node) && node.range) return node.range[0];
    if (isCollection(node) && node.range) return node.range[0];
    return undefined;
  }

  private position(offset: number): SourcePosition {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }
}

/** The parser's message, made specific where it speaks of the parser rather than the file. */
function describeYamlError(error: YAMLError, text: string): string {
  const message = error.message.split("\n")[0] ?? error.message;
  if (error.code === "MULTIPLE_DOCS")
    return "the file holds more than one YAML document (separated by '---'); a config is a single document";
  if (error.code === "DUPLICATE_KEY") {
    // Keys are never secrets, so the duplicate one is named.
    const key = /^["']?([^"':\n]*)/.exec(text.slice(error.pos[0]))?.[1]?.trim();
    if (key) return `the key '${key}' appears twice in the same mapping; YAML keys must be unique`;
  }
  return message;
}
