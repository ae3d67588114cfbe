import * as grpc from '@grpc/grpc-js';
import { serverFeaturesGrpc, serverFeaturesPb } from './protocol';

export const SERVER_VERSION = '24.10.0';

/**
 * Exactly what this server implements, named the way the real server does (lowercase service and
 * method names). Anything not listed answers UNIMPLEMENTED, so the client never picks a missing path.
 */
const SUPPORTED: ReadonlyArray<{ service: string; method: string; features?: string[] }> = [
  { service: 'event_store.client.streams.streams', method: 'read', features: ['position', 'events'] },
  { service: 'event_store.client.streams.streams', method: 'append' },
  { service: 'event_store.client.streams.streams', method: 'delete' },
  { service: 'event_store.client.streams.streams', method: 'tombstone' },
  { service: 'event_store.client.streams.streams', method: 'batchappend', features: ['deadline_duration'] },
  { service: 'event_store.client.server_features.serverfeatures', method: 'getsupportedmethods' },
  { service: 'event_store.client.gossip.gossip', method: 'read' },
];

export function serverFeaturesService(): [grpc.ServiceDefinition, grpc.UntypedServiceImplementation] {
  const impl = {
    getSupportedMethods(
      _call: grpc.ServerUnaryCall<unknown, serverFeaturesPb.SupportedMethods>,
      callback: grpc.sendUnaryData<serverFeaturesPb.SupportedMethods>,
    ) {
      const response = new serverFeaturesPb.SupportedMethods();
      for (const { service, method, features } of SUPPORTED) {
        const entry = new serverFeaturesPb.SupportedMethod();
        entry.setServiceName(service);
        entry.setMethodName(method);
        entry.setFeaturesList(features ?? []);
        response.addMethods(entry);
      }
      response.setEventStoreServerVersion(SERVER_VERSION);
      callback(null, response);
    },
  };
  return [serverFeaturesGrpc.ServerFeaturesService as unknown as grpc.ServiceDefinition, impl];
}
