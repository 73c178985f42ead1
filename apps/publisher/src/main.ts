import 'reflect-metadata';
import { join } from 'node:path';
import { KafkaBatchTransport } from '@lakehouse/bus';
import { runStage } from '@lakehouse/platform';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { goldWriterOf, publisherConfigSchema } from './config/publisher.config';
import { PublisherModule } from './publisher.module';
import { lightweightChartsFile, staticAssets } from './web/static-assets';

const WEB_ROOT = join(__dirname, '..', 'web');

runStage({
  stage: 'publisher',
  configSchema: publisherConfigSchema,
  module: (config) => PublisherModule.register(config),
  // A replica that does not write Gold has no Kafka transport: its live feed is its own consumer.
  ...(goldWriterOf(process.env) ? { transport: (app) => app.get(KafkaBatchTransport) } : {}),
  configure: (app) => {
    app.use(staticAssets(WEB_ROOT, lightweightChartsFile()));
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('publisher')
        .setDescription('Gold (predictions, accuracy, bars) with time travel; tables and the served model.')
        .setVersion('1')
        .addBearerAuth()
        .build(),
    );
    SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json' });
  },
});
