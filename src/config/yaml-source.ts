import { isCollection, isMap, isNode, isPair, isScalar, LineCounter, parseDocument, type Document } from "yaml";

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
    this.document = parseDocument(text, { lineCounter: this.lines, uniqueKeys: true, prettyErrors: false });
    this.syntaxProblems = this.document.errors.map((error) => {
      const [line, column] = [error.linePos?.[0].line ?? 1, error.linePos?.[0].col ?? 1];
      return { line, column, message: error.message.split("\n")[0] ?? error.message };
    });
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
