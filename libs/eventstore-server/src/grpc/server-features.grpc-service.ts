import * as grpc from '@grpc/grpc-js';
import { serverFeaturesGrpc, serverFeaturesPb } from './protocol';

export const SERVER_VERSION = '24.10.0';

/** Features per method, as the real server names them (ServerFeatures.cs). */
const FEATURES: Record<string, string[]> = {
  'event_store.client.streams.streams/read': ['position', 'events'],
  'event_store.client.streams.streams/batchappend': ['deadline_duration'],
};

/**
 * Exactly what this server serves, as the real server lists it (every method of every service it hosts,
 * lowercase service and method names), derived from the services registered, so whatever is added is
 * advertised and nothing missing is. Anything not listed answers UNIMPLEMENTED.
 */
export function serverFeaturesService(
  hosted: readonly grpc.ServiceDefinition[],
): [grpc.ServiceDefinition, grpc.UntypedServiceImplementation] {
  const methods = [...hosted, serverFeaturesGrpc.ServerFeaturesService as unknown as grpc.ServiceDefinition]
    .flatMap((definition) => Object.values(definition))
    .map(({ path }) => {
      const [service, method] = path.slice(1).toLowerCase().split('/');
      return { service, method, features: FEATURES[`${service}/${method}`] ?? [] };
    });
  const impl = {
    getSupportedMethods(
      _call: grpc.ServerUnaryCall<unknown, serverFeaturesPb.SupportedMethods>,
      callback: grpc.sendUnaryData<serverFeaturesPb.SupportedMethods>,
    ) {
      const response = new serverFeaturesPb.SupportedMethods();
      for (const { service, method, features } of methods) {
        const entry = new serverFeaturesPb.SupportedMethod();
        entry.setServiceName(service);
        entry.setMethodName(method);
        entry.setFeaturesList(features);
        response.addMethods(entry);
      }
      response.setEventStoreServerVersion(SERVER_VERSION);
      callback(null, response);
    },
  };
  return [serverFeaturesGrpc.ServerFeaturesService as unknown as grpc.ServiceDefinition, impl];
}
