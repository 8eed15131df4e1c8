import { Inject, Injectable } from '@nestjs/common';
import { hostname } from 'node:os';
import { type Clock, InjectClock } from '../../../common/clock.js';
import { SERVER_CONFIG, type ServerConfig } from '../../config/index.js';
import { type BuildInfo, readBuildInfo } from '../../metrics/index.js';

/** Which server this is: what `GET /api/v1/server` answers besides live counts, fixed at start. */
@Injectable()
export class ServerIdentity {
  readonly startedAt: number;
  readonly build: BuildInfo = readBuildInfo();
  readonly hostname = hostname();
  /** `NODE_NAME` (the DaemonSet sets it from `spec.nodeName`), else the host name. */
  readonly nodeName: string;
  /** Whether `NODE_NAME` was set, i.e. this server serves the agents of one Kubernetes node. */
  readonly nodeLocal: boolean;
  readonly podNamespace: string | null;

  constructor(
    @Inject(SERVER_CONFIG) config: ServerConfig,
    @InjectClock() readonly clock: Clock,
  ) {
    this.startedAt = clock.now();
    this.nodeName = config.kubernetes.nodeName;
    this.nodeLocal = config.kubernetes.nodeLocal;
    this.podNamespace = config.kubernetes.podNamespace ?? null;
  }
}
