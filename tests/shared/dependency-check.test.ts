import { describe, expect, it } from '@jest/globals';
import { Job } from 'agenda';
import type { Db } from 'mongodb';
import { Schema } from 'mongoose';
import { AGENDA_TESTED_VERSIONS, agendaInternalMembers, agendaTestedPackages } from '../../shared/src/agenda/tested-internals.js';
import { JobNotificationChannel } from '../../shared/src/agenda/notification-channel.js';
import { installedVersion } from '../../shared/src/dependency-check/installed-version.js';
import { refuseUntested, UntestedDependencyError } from '../../shared/src/dependency-check/refuse-untested-dependencies.js';
import { findUntestedDependencies, type TestedPackage } from '../../shared/src/dependency-check/tested-dependencies.js';
import { graphiqlTestedPackage } from '../../shared/src/http/graphiql.js';
import { mongooseInternalMembers, mongooseTestedPackage } from '../../shared/src/mongoose/tested-internals.js';
import { capturedLogger } from '../support/captured-logs.js';

/** A JobProcessor as the adapter uses it, with `enqueueJob` under another name. */
function processorWithRenamedEnqueue(): object {
  return {
    enqueueLockedJob() {},
    jobProcessing: async () => {},
    jobQueueFilling: async () => {},
    updateStatus() {},
    shouldLock: () => true,
    isRunning: true,
    processInterval: setTimeout(() => {}, 0),
    notificationUnsubscribe() {},
    handleNotification: async () => {},
    lockedJobs: [],
    runningJobs: [],
    jobStatus: {},
    maxConcurrency: 20,
  };
}

const installedAsTested = (packages: TestedPackage[]) => (name: string) => packages.find((p) => p.name === name)!.testedVersion;

describe('the start-up check of the dependencies the adapters reach into', () => {
  it('When the installed libraries are the tested ones, then it finds nothing', async () => {
    // Arrange
    const packages = [...(await agendaTestedPackages()), mongooseTestedPackage(), graphiqlTestedPackage()];

    // Act
    const lines = findUntestedDependencies(packages, installedVersion);

    // Assert
    expect(lines).toEqual([]);
  });

  it('When agenda 6.2.7 is installed, then one line names agenda, the installed and the tested version', async () => {
    // Arrange
    const packages = await agendaTestedPackages();

    // Act
    const lines = findUntestedDependencies(packages, (name) => (name === 'agenda' ? '6.2.7' : installedAsTested(packages)(name)));

    // Assert
    expect(lines).toEqual([`agenda 6.2.7 is installed, shared/src/agenda/ was tested with ${AGENDA_TESTED_VERSIONS.agenda}; its internals look unchanged`]);
  });

  it("When JobProcessor's enqueueJob is renamed, then the line names the member", async () => {
    // Arrange
    const [agenda] = await agendaTestedPackages();
    const doctored = { ...agenda!, members: agendaInternalMembers({ agenda: { jobProcessor: {}, publishJobNotification() {} }, processor: processorWithRenamedEnqueue(), job: Job.prototype, repository: {}, notificationChannel: new JobNotificationChannel({} as Db) }).agenda };

    // Act
    const lines = findUntestedDependencies([doctored], () => '6.2.6');

    // Assert
    expect(lines).toEqual(['agenda 6.2.6 is installed, shared/src/agenda/ was tested with 6.2.6; changed internals: JobProcessor.enqueueJob (expected a function, found missing)']);
  });

  it("When Agenda's Job no longer has isExpired, then the line names Job.isExpired", async () => {
    // Arrange
    const [agenda] = await agendaTestedPackages();
    const processor = { ...processorWithRenamedEnqueue(), enqueueJob() {} };
    const doctored = { ...agenda!, members: agendaInternalMembers({ agenda: { jobProcessor: {}, publishJobNotification() {} }, processor, job: { isDead: () => false }, repository: {}, notificationChannel: new JobNotificationChannel({} as Db) }).agenda };

    // Act
    const lines = findUntestedDependencies([doctored], () => '6.2.6');

    // Assert
    expect(lines).toEqual(['agenda 6.2.6 is installed, shared/src/agenda/ was tested with 6.2.6; changed internals: Job.isExpired (expected a function, found missing)']);
  });

  it('When a started Agenda keeps its processor under another name, then every processor member is reported, starting with Agenda.jobProcessor', () => {
    // Act
    const members = agendaInternalMembers({ agenda: { processor: {} }, processor: undefined, job: {}, repository: {}, notificationChannel: {} }).agenda;

    // Assert
    expect(members[0]).toEqual({ owner: 'Agenda', member: 'jobProcessor', expected: 'object', found: 'missing' });
    expect(members.every((m) => m.found === 'missing')).toBe(true);
  });

  it("When mongoose moves a schema's hook storage, then the line names Schema#s.hooks", () => {
    // Arrange
    const schema = new Schema({}, { timestamps: true });
    (schema as unknown as { s: object }).s = { middleware: {} };
    const mongoose = { ...mongooseTestedPackage(), members: mongooseInternalMembers(schema) };

    // Act
    const lines = findUntestedDependencies([mongoose], () => mongoose.testedVersion);

    // Assert
    expect(lines).toEqual([
      `mongoose ${mongoose.testedVersion} is installed, shared/src/mongoose/ was tested with ${mongoose.testedVersion}; changed internals: Schema#s.hooks (expected an object, found missing), Schema#s.hooks.execPre (expected a function, found missing), Schema#s.hooks.execPost (expected a function, found missing)`,
    ]);
  });

  it('When a graphiql upgrade moves its bundle file, then the line names the file the playground serves', () => {
    // Arrange
    const graphiql = graphiqlTestedPackage((file) => !file.endsWith('graphiql.min.js'));

    // Act
    const lines = findUntestedDependencies([graphiql], () => graphiql.testedVersion);

    // Assert
    expect(lines).toEqual([expect.stringMatching(/^graphiql 3\.8\.2 is installed, shared\/src\/http\/graphiql\.ts was tested with 3\.8\.2; changed internals: bundle file\.graphiql\.js \(expected a declared field, found missing \(.*graphiql\.min\.js\)\)$/)]);
  });

  it('When something is untested, then the refusal is an UntestedDependencyError with one line per package', () => {
    // Arrange
    const { logger } = capturedLogger();

    // Act
    const refuse = () => refuseUntested(['agenda 6.2.7 is installed, shared/src/agenda/ was tested with 6.2.6'], { allowUntested: false, logger });

    // Assert
    expect(refuse).toThrow(UntestedDependencyError);
    expect(refuse).toThrow(/^refusing to start: agenda 6.2.7 is installed, shared\/src\/agenda\/ was tested with 6.2.6 \(.*ALLOW_UNTESTED_DEPENDENCIES=true starts anyway\)$/);
  });

  it('When ALLOW_UNTESTED_DEPENDENCIES is true, then each line is a warning and nothing is thrown', () => {
    // Arrange
    const { logger, lines } = capturedLogger();

    // Act
    refuseUntested(['agenda 6.2.7 is installed, shared/src/agenda/ was tested with 6.2.6'], { allowUntested: true, logger });

    // Assert
    expect(lines).toEqual([expect.objectContaining({ level: 40, dependency: 'agenda 6.2.7 is installed, shared/src/agenda/ was tested with 6.2.6' })]);
  });
});
