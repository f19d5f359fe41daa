/**
 * A small ONNX graph-builder core: nodes with path-style names, de-duplicated constants, graph inputs and
 * outputs, lazily produced external weights, and subgraphs (Scan bodies) that see the outer scope.
 *
 * Node names follow `/model/layers.3/attn/q_rope/Mul`; a node's outputs are `<node name>/output_<k>`.
 * Weights are declared with a producer and written later, one at a time, by the package writer
 * (see weight-file.ts), so building a graph never holds the checkpoint in memory.
 */
import onnxProto from 'onnx-proto';

export const { onnx } = onnxProto;
export type ModelProto = onnxProto.onnx.IModelProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
type NodeProto = onnxProto.onnx.INodeProto;
type AttributeProto = onnxProto.onnx.IAttributeProto;
type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

export type ElementType = 'float32' | 'float16' | 'int64' | 'int32' | 'uint8' | 'bool';

export const ONNX_TYPE: Record<ElementType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  uint8: onnx.TensorProto.DataType.UINT8,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** A float attribute (plain numbers are encoded as INT attributes). */
export class FloatAttr {
  constructor(readonly value: number) {}
}
export const float = (value: number): FloatAttr => new FloatAttr(value);

export type AttrValue = number | readonly number[] | string | FloatAttr | SubgraphBuilder;
export type Attrs = Record<string, AttrValue>;

/** A symbolic or fixed dimension of a graph input/output. */
export type Dim = number | string;

/** A weight whose bytes are produced on demand (then written to the external data file). */
export interface LazyWeight {
  readonly name: string;
  readonly type: ElementType;
  readonly dims: readonly number[];
  /** Size in bytes of the produced data (checked when written). */
  readonly byteLength: number;
  /** Produces the raw little-endian bytes. Called exactly once. */
  produce(): Promise<Uint8Array>;
}

function encodeAttr(name: string, value: AttrValue): AttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (value instanceof FloatAttr) return { name, type: T.FLOAT, f: value.value };
  if (value instanceof SubgraphBuilder) return { name, type: T.GRAPH, g: value.toGraphProto() };
  if (typeof value === 'string') return { name, type: T.STRING, s: Buffer.from(value, 'utf8') };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: ${value} is not an integer (use float())`);
    return { name, type: T.INT, i: value };
  }
  return { name, type: T.INTS, ints: [...value] };
}

function valueInfo(name: string, type: ElementType, dims: readonly Dim[]): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ONNX_TYPE[type],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** Raw bytes of a typed array, without copying. */
export function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** Nodes, inputs and outputs of one graph. Subgraphs resolve constants through their root. */
export class SubgraphBuilder {
  protected readonly nodes: NodeProto[] = [];
  protected readonly inputs: ValueInfoProto[] = [];
  protected readonly outputs: ValueInfoProto[] = [];
  private readonly usedNames = new Set<string>();

  constructor(
    readonly graphName: string,
    protected readonly root: GraphBuilder | null,
  ) {}

  /** Declares a graph input and returns its name. */
  input(name: string, type: ElementType, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  /**
   * Declares a graph output. A value produced by a node of this graph is renamed in place (no copy);
   * anything else (an input, an initializer, a value already exposed) goes through an Identity.
   */
  output(name: string, value: string, type: ElementType, dims: readonly Dim[]): void {
    if (value !== name) {
      const producer = this.nodes.find((n) => n.output?.includes(value));
      if (producer && !this.outputs.some((o) => o.name === value)) {
        producer.output = producer.output!.map((o) => (o === value ? name : o));
        for (const n of this.nodes) n.input = n.input!.map((i) => (i === value ? name : i));
      } else {
        this.nodes.push({ opType: 'Identity', input: [value], output: [name], name: `${name}/Identity`, domain: '' });
      }
    }
    this.outputs.push(valueInfo(name, type, dims));
  }

  /**
   * Adds one node named `name` (a full path) and returns its output names. `outputs` gives the count
   * (or explicit names). An empty string input stands for an omitted optional input.
   */
  node(name: string, opType: string, inputs: readonly string[], attrs: Attrs = {}, options: { outputs?: number | readonly string[]; domain?: string } = {}): string[] {
    if (this.usedNames.has(name)) throw new Error(`duplicate node name ${name}`);
    this.usedNames.add(name);
    const spec = options.outputs ?? 1;
    const outputs = typeof spec === 'number' ? Array.from({ length: spec }, (_, k) => `${name}/output_${k}`) : [...spec];
    this.nodes.push({
      name,
      opType,
      domain: options.domain ?? '',
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(attrs).map(([k, v]) => encodeAttr(k, v)),
    });
    return outputs;
  }

  /** A node with exactly one output. */
  op(name: string, opType: string, inputs: readonly string[], attrs: Attrs = {}, domain = ''): string {
    return this.node(name, opType, inputs, attrs, { domain })[0]!;
  }

  /** A de-duplicated int64 constant (rank 1 for arrays, rank 0 for a number). */
  int64(value: number | readonly number[]): string {
    return this.rootBuilder().constant('int64', value);
  }

  /** A de-duplicated float32 constant (rank 1 for arrays, rank 0 for a number). */
  float32(value: number | readonly number[]): string {
    return this.rootBuilder().constant('float32', value);
  }

  toGraphProto(): GraphProto {
    return { name: this.graphName, node: this.nodes, input: this.inputs, output: this.outputs };
  }

  protected rootBuilder(): GraphBuilder {
    if (this.root) return this.root;
    throw new Error('no root graph');
  }
}

/** The main graph: also owns constants (inline initializers) and lazy external weights. */
export class GraphBuilder extends SubgraphBuilder {
  private readonly constants = new Map<string, TensorProto>();
  private readonly weights: LazyWeight[] = [];
  private readonly weightNames = new Set<string>();

  constructor(graphName: string) {
    super(graphName, null);
  }

  protected override rootBuilder(): GraphBuilder {
    return this;
  }

  /** A subgraph (for Scan/Loop/If bodies) that may read any value of this graph by name. */
  subgraph(name: string): SubgraphBuilder {
    return new SubgraphBuilder(name, this);
  }

  constant(type: 'int64' | 'float32', value: number | readonly number[]): string {
    const values = typeof value === 'number' ? [value] : [...value];
    const dims = typeof value === 'number' ? [] : [values.length];
    const label = typeof value === 'number' ? String(value) : `[${values.join(',')}]`;
    const name = `/model/constants/${type.toUpperCase()}/${label}`;
    if (!this.constants.has(name)) {
      const data = type === 'int64' ? BigInt64Array.from(values.map((v) => BigInt(v))) : Float32Array.from(values);
      this.constants.set(name, { name, dataType: ONNX_TYPE[type], dims, rawData: bytesOf(data) });
    }
    return name;
  }

  /** A small inline initializer with a chosen name (e.g. RoPE inverse frequencies). */
  inline(name: string, type: ElementType, dims: readonly number[], data: ArrayBufferView): string {
    if (this.constants.has(name)) throw new Error(`duplicate initializer ${name}`);
    this.constants.set(name, { name, dataType: ONNX_TYPE[type], dims: [...dims], rawData: bytesOf(data) });
    return name;
  }

  /** Declares an external weight; its bytes are produced when the package is written. */
  weight(weight: LazyWeight): string {
    if (this.weightNames.has(weight.name)) throw new Error(`duplicate weight ${weight.name}`);
    this.weightNames.add(weight.name);
    this.weights.push(weight);
    return weight.name;
  }

  lazyWeights(): readonly LazyWeight[] {
    return this.weights;
  }

  /**
   * The model proto; `external` maps each weight name to its tensor proto (external data reference or
   * inline raw data), in declaration order.
   */
  toModelProto(external: ReadonlyMap<string, TensorProto>, metadata: Record<string, string> = {}): ModelProto {
    const graph = this.toGraphProto();
    const initializer = [...this.constants.values()];
    for (const w of this.weights) {
      const proto = external.get(w.name);
      if (!proto) throw new Error(`weight ${w.name} was not written`);
      initializer.push(proto);
    }
    graph.initializer = initializer;
    return {
      irVersion: 10,
      producerName: 'hymba-desk',
      producerVersion: '1',
      opsetImport: [
        { domain: '', version: 21 },
        { domain: 'com.microsoft', version: 1 },
      ],
      graph,
      metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    };
  }
}

/** Encodes a model proto to bytes. */
export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

/**
 * A naming scope inside a graph: `scope.op('q_rope', 'Mul', …)` adds the node
 * `<path>/q_rope/Mul`. Builders take a scope so every node carries its place in the model.
 */
export class Scope {
  constructor(
    readonly graph: SubgraphBuilder,
    readonly path: string,
  ) {}

  at(child: string): Scope {
    return new Scope(this.graph, `${this.path}/${child}`);
  }

  op(label: string, opType: string, inputs: readonly string[], attrs: Attrs = {}, domain = ''): string {
    return this.graph.op(`${this.path}/${label}/${opType}`, opType, inputs, attrs, domain);
  }

  node(label: string, opType: string, inputs: readonly string[], attrs: Attrs, outputs: number, domain = ''): string[] {
    return this.graph.node(`${this.path}/${label}/${opType}`, opType, inputs, attrs, { outputs, domain });
  }

  int64(value: number | readonly number[]): string {
    return this.graph.int64(value);
  }

  float32(value: number | readonly number[]): string {
    return this.graph.float32(value);
  }
}
