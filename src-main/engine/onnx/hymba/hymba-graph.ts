/**
 * Builds the whole Hymba graph (contract: model/graph-io.ts) for one config and weight format. The
 * result declares its weights lazily; writing them is the package writer's job (package/).
 */
import type { HymbaConfig } from '../../config/hymba-config.ts';
import { INPUT_IDS, LOGITS, NUM_LOGITS_TO_KEEP, POSITION_IDS, SSM_PARALLEL } from '../../model/graph-io.ts';
import { GraphBuilder, Scope } from '../graph-builder.ts';
import type { SharedKv } from './attention.ts';
import { CacheIo } from './cache-io.ts';
import { onceTable, type BuildContext, type CacheType, type CallValues } from './context.ts';
import { decoderLayer } from './decoder-layer.ts';
import { embed, embeddingTable } from './embedding.ts';
import { head } from './head.ts';
import { ropeTables } from './rope.ts';
import { HymbaWeights, type ReadTensor, type WeightOptions } from './weights.ts';

export interface HymbaGraphOptions extends WeightOptions {
  readonly cacheType: CacheType;
}

/*
 * position_ids [1,T] ─ row 0 ─ positions [T]; P = positions[0]; T = Shape(input_ids)[1]
 * RoPE tables (cos, sin [T, d/2]) for these positions, shared by every layer
 */
function callValues(graph: GraphBuilder, config: HymbaConfig, ids: string, positionIds: string): CallValues {
  const scope = new Scope(graph, '/model/call');
  const length = scope.op('length', 'Slice', [scope.op('ids_shape', 'Shape', [ids]), scope.int64([1]), scope.int64([2]), scope.int64([0])]);
  const positions = scope.op('positions', 'Reshape', [positionIds, scope.int64([-1])]);
  const pastLength = scope.op('past_length', 'Gather', [positions, scope.int64(0)], { axis: 0 });
  const rope = ropeTables(graph, new Scope(graph, '/model/rope'), config, positions);
  return { length, positions, pastLength, rope };
}

export function buildHymbaGraph(config: HymbaConfig, read: ReadTensor, options: HymbaGraphOptions): GraphBuilder {
  const graph = new GraphBuilder('hymba');
  const ids = graph.input(INPUT_IDS, 'int64', [1, 'sequence_length']);
  const positionIds = graph.input(POSITION_IDS, 'int64', [1, 'sequence_length']);
  const keep = graph.input(NUM_LOGITS_TO_KEEP, 'int64', []);
  graph.input(SSM_PARALLEL, 'bool', []);
  const cache = new CacheIo(graph, config, options.cacheType);
  cache.declareInputs();

  const weights = new HymbaWeights(graph, options, read);
  const ctx: BuildContext = { graph, config, weights, cacheType: options.cacheType, call: callValues(graph, config, ids, positionIds), once: onceTable() };
  const table = embeddingTable(ctx);
  let h = embed(ctx, new Scope(graph, '/model/embed'), ids, table);
  const sharedKv = new Map<number, SharedKv>();
  for (const layer of config.layers) {
    h = decoderLayer(ctx, cache, new Scope(graph, `/model/layers.${layer.index}`), layer, h, sharedKv);
  }
  const logits = head(ctx, new Scope(graph, '/model/head'), h, keep, table);
  graph.output(LOGITS, logits, 'float32', [1, 'logits_length', config.vocabSize]);
  cache.declareOutputs();
  return graph;
}
