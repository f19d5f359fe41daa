/**
 * The engine process entry. Start it with `child_process.fork(thisFile, { execArgv: ['--import', 'tsx'] })`
 * under Node, or with Electron's `utilityProcess.fork` (bundled); both speak the protocol in protocol.ts.
 * onnxruntime-node lives only in this process, so a blocking run() never stalls the host.
 */
import * as ort from 'onnxruntime-node';
import { Engine } from '../runtime/engine.ts';
import { EngineService } from './engine-service.ts';
import { currentProcessTransport } from './transport.ts';

// Provider probes fail loudly in native logs; their errors already reach the user as values (fallback reasons).
ort.env.logLevel = 'fatal';
const transport = currentProcessTransport();
const service = new EngineService(new Engine(), (event) => transport.send(event));
transport.onMessage((message) => {
  void service.handle(message);
});
transport.onDisconnect(() => process.exit(0));
transport.send({ type: 'ready', pid: process.pid });
