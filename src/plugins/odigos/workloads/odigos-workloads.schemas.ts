import { z } from 'zod';
import { registerAdminSchema } from '../../../index.js';

/** One InstrumentationInstance as this server last wrote it for an agent it holds. */
export const odigosInstanceSchema = registerAdminSchema(
  'OdigosInstrumentationInstance',
  z.object({
    name: z.string().describe('the object’s name, `<podName>-<pid>` (`<podName>-<container>` without a pid)'),
    namespace: z.string(),
    podName: z.string(),
    containerName: z.string(),
    processId: z.number().int().nullable().describe('process.vpid, else process.pid; null when not reported'),
    agentId: z.string().describe('the agent’s instance uid, as the agents API names it'),
    language: z.string().nullable().describe('telemetry.sdk.language'),
    identifyingAttributes: z
      .array(z.object({ key: z.string(), value: z.string() }))
      .describe('the agent description’s identifying attributes, stringified as odiglet does'),
    healthy: z
      .boolean()
      .nullable()
      .describe('health.healthy; null until the agent reported health (Starting)'),
    reason: z.string().nullable().describe('health.status, verbatim (Healthy, Starting, AgentFailure, …)'),
    message: z.string().nullable().describe('health.last_error; null when empty'),
    components: z.number().int().describe('entries of status.components (the instrumentation libraries)'),
    lastStatusTime: z.iso
      .datetime()
      .describe('when this state was written: status.lastStatusTime, to the second as the object holds it'),
  }),
);

/** One workload: its InstrumentationConfig as cached, and the InstrumentationInstances of its agents here. */
export const odigosWorkloadSchema = registerAdminSchema(
  'OdigosWorkload',
  z.object({
    namespace: z.string(),
    kind: z.string().describe('Deployment, StatefulSet, DaemonSet, CronJob, …'),
    name: z.string(),
    instrumentationConfig: z
      .object({
        name: z.string().describe('`<kind-lowercase>-<name>`'),
        serviceName: z.string().nullable(),
        containers: z
          .array(z.string())
          .describe('the containers it configures (spec.containers[].containerName)'),
      })
      .nullable()
      .describe('null when this server caches none for the workload'),
    agents: z.number().int().describe('agents of the workload with a session on this server'),
    instances: z.array(odigosInstanceSchema).describe('by pod, then process id'),
  }),
);

/** `GET /api/v1/odigos/workloads` (Odigos plugin): the workloads this node server knows of. */
export const odigosWorkloadListSchema = registerAdminSchema(
  'OdigosWorkloadList',
  z.object({
    node: z.string().describe('the node this server serves (NODE_NAME), else its host name'),
    instrumentationConfigsReady: z
      .boolean()
      .describe(
        'whether the InstrumentationConfigs have been listed (false until the first list; true and none without a cluster)',
      ),
    items: z.array(odigosWorkloadSchema).describe('by namespace, kind, then name'),
  }),
);

export type OdigosInstrumentationInstance = z.output<typeof odigosInstanceSchema>;
export type OdigosWorkload = z.output<typeof odigosWorkloadSchema>;
export type OdigosWorkloadList = z.output<typeof odigosWorkloadListSchema>;
