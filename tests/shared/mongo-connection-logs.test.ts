import { describe, expect, it } from '@jest/globals';
import { MongoClient } from 'mongodb';
import { connectMongo } from '../../shared/src/mongo/connect.js';
import { capturedLogger } from '../support/captured-logs.js';
import { eventually } from '../support/eventually.js';
import { freshDatabaseUri } from '../support/mongo.js';

const APP = 'connection-logs-test';

describe('what a service logs about its MongoDB connection', () => {
  it('When the service closes its connection (shutdown), then it says so at info and warns of nothing', async () => {
    // Arrange
    const { logger, lines } = capturedLogger();
    const conn = await connectMongo(freshDatabaseUri('connection_logs'), logger);

    // Act
    await conn.close();

    // Assert
    await eventually(async () => lines.map((l) => l.msg), (msgs) => msgs.includes('MongoDB connection closed'));
    expect(lines.find((l) => l.msg === 'MongoDB connection closed')).toMatchObject({ level: 30 });
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
  });

  it('When the connection is lost under the service, then it warns', async () => {
    // Arrange: MongoDB's fail point closes the connection of this process's next ping
    const { logger, lines } = capturedLogger();
    const uri = freshDatabaseUri('connection_logs');
    const conn = await connectMongo(uri, logger, { appName: APP });
    const admin = await MongoClient.connect(uri);
    await admin.db('admin').command({ configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['ping'], appName: APP, closeConnection: true } });

    try {
      // Act
      await conn.db!.command({ ping: 1 }).catch(() => undefined);

      // Assert
      await eventually(async () => lines.filter((l) => l.level === 40).map((l) => l.msg), (msgs) => msgs.includes('MongoDB disconnected'));
    } finally {
      await admin.db('admin').command({ configureFailPoint: 'failCommand', mode: 'off' });
      await admin.close();
      await conn.close();
    }
  });
});
