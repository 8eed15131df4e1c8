import { postMessage } from '../../support/http-agent.js';
import { attr, randomUid } from '../../support/opamp-messages.js';
import { type KeyValue } from '../../../src/generated/opamp/v1/anyvalue.js';
import { formatInstanceUid } from '../../../src/modules/protocol/index.js';

/** Where an Odigos-style agent runs and how it says it is. */
export interface OdigosAgentReport {
  readonly namespace: string;
  readonly podName: string;
  readonly containerName: string;
  readonly vpid: number;
  readonly healthy: boolean;
  /** `health.status` (Healthy, AgentFailure, …). */
  readonly status: string;
  readonly lastError?: string;
}

const intAttr = (key: string, value: number): KeyValue => ({
  key,
  value: { value: { $case: 'intValue', value: BigInt(value) } },
});

/**
 * Reports once over HTTP as an Odigos agent does on its first message: the identifying attributes odiglet
 * reads (docs/odigos.md) and a health. Resolves with the agent's id as the admin API shows it.
 * @throws Error when the server does not answer 200.
 */
export async function reportOdigosAgent(opampUrl: string, report: OdigosAgentReport): Promise<string> {
  const uid = randomUid();
  const exchange = await postMessage(opampUrl, {
    instanceUid: uid,
    agentDescription: {
      identifyingAttributes: [
        attr('telemetry.sdk.language', 'python'),
        attr('k8s.namespace.name', report.namespace),
        attr('k8s.pod.name', report.podName),
        attr('k8s.container.name', report.containerName),
        intAttr('process.vpid', report.vpid),
      ],
      nonIdentifyingAttributes: [],
    },
    health: {
      healthy: report.healthy,
      status: report.status,
      lastError: report.lastError ?? '',
      startTimeUnixNano: 1_700_000_000_000_000_000n,
      statusTimeUnixNano: 1_700_000_100_000_000_000n,
      attributes: [],
      componentHealthMap: {},
    },
  });
  if (exchange.status !== 200) throw new Error(`the server answered ${exchange.status} to an Odigos agent`);
  return formatInstanceUid(uid);
}
