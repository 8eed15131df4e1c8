import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TransportModule } from '../transport/index.js';
import { HealthController } from './health/health.controller.js';

/** The admin listener's routes: health probes (the REST API, metrics and UI join here). */
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), TransportModule],
  controllers: [HealthController],
})
export class AdminModule {}
