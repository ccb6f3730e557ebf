/**
 * A tiny, plain-data intermediate representation of an ONNX graph.
 *
 * The LIIF graphs are built into this IR first and serialised last (see onnx-export.ts), so the
 * same IR can later be walked backwards to derive gradient graphs for training. Nothing here is
 * inference-only: every node is a standard ONNX op (opset 18) with explicit attributes.
 */

export type DType = 'float32' | 'int64';

/** A symbolic tensor: the name of a graph value. */
export interface Value {
  readonly name: string;
}

/** A dimension is a fixed size or a named symbolic size ("N", "Q", ...). */
export type Dim = number | string;

export type AttrValue =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'string'; readonly value: string };

export interface GraphNode {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: Readonly<Record<string, AttrValue>>;
}

export interface GraphValueInfo {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly Dim[];
}

/** A constant tensor stored in the graph: trainable parameters and fixed constants alike. */
export interface GraphInitializer {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: Float32Array | BigInt64Array;
  /** True for learned parameters (weights/biases); false for constants such as shape vectors. */
  readonly trainable: boolean;
}

export interface GraphIR {
  readonly name: string;
  readonly inputs: readonly GraphValueInfo[];
  readonly outputs: readonly GraphValueInfo[];
  readonly initializers: readonly GraphInitializer[];
  readonly nodes: readonly GraphNode[];
}

export const int = (value: number): AttrValue => ({ kind: 'int', value });
export const ints = (value: readonly number[]): AttrValue => ({ kind: 'ints', value });
export const float = (value: number): AttrValue => ({ kind: 'float', value });
