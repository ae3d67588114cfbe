import * as grpc from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { gossipGrpc, gossipPb, sharedPb } from './protocol';

/**
 * A one-node cluster: this server, alive, Leader. Enough for `esdb+discover://` connection strings,
 * since the client serves gRPC on the member's HTTP endpoint.
 */
export function gossipService(
  endpoint: () => {
    host: string;
    port: number;
  },
): [grpc.ServiceDefinition, grpc.UntypedServiceImplementation] {
  const instanceId = randomUUID();
  const impl = {
    read(
      _call: grpc.ServerUnaryCall<unknown, gossipPb.ClusterInfo>,
      callback: grpc.sendUnaryData<gossipPb.ClusterInfo>,
    ) {
      const { host, port } = endpoint();
      const member = new gossipPb.MemberInfo();
      member.setInstanceId(new sharedPb.UUID().setString(instanceId));
      // .NET ticks since the Unix epoch, like every other timestamp the server sends.
      member.setTimeStamp(`${Date.now()}0000`);
      member.setState(gossipPb.MemberInfo.VNodeState.LEADER);
      member.setIsAlive(true);
      member.setHttpEndPoint(new gossipPb.EndPoint().setAddress(host).setPort(port));
      callback(null, new gossipPb.ClusterInfo().setMembersList([member]));
    },
  };
  return [gossipGrpc.GossipService as unknown as grpc.ServiceDefinition, impl];
}
