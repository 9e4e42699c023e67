import { MongoJobRepository } from '@agendajs/mongo-backend';
import { Agenda, Job, type AgendaBackend, type NotificationChannel } from 'agenda';
import type { Db } from 'mongodb';
import { describeMember, type FoundMember, type TestedPackage } from '../dependency-check/tested-dependencies.js';
import { jobProcessorOf } from './job-processor.js';
import { JobNotificationChannel } from './notification-channel.js';

const ADAPTER = 'shared/src/agenda/';

/**
 * The versions this folder was tested with. The three move together: the backend and Agendash
 * depend on Agenda's internals as we do (docs/dependencies.md).
 */
export const AGENDA_TESTED_VERSIONS = { agenda: '6.2.6', '@agendajs/mongo-backend': '4.0.3', agendash: '8.2.4' } as const;

/**
 * The objects whose members the adapter uses: a started Agenda, its processor, the backend's
 * repository, and our notification channel (a BaseNotificationChannel: its protected members).
 */
export interface AgendaSubjects {
  agenda: object;
  processor: object | undefined;
  job: object;
  repository: object;
  notificationChannel: object;
}

/** Each internal member of Agenda and its MongoDB backend this folder reads or wraps, as found on `subjects`. */
export function agendaInternalMembers(subjects: AgendaSubjects): { agenda: FoundMember[]; backend: FoundMember[] } {
  const processor = (member: string, kind: FoundMember['expected']) => describeMember(subjects.processor, 'JobProcessor', member, kind);
  const channel = (member: string, kind: FoundMember['expected']) => describeMember(subjects.notificationChannel, 'BaseNotificationChannel', member, kind);
  return {
    agenda: [
      describeMember(subjects.agenda, 'Agenda', 'jobProcessor', 'object'),
      processor('enqueueJob', 'function'),
      processor('jobProcessing', 'function'),
      processor('jobQueueFilling', 'function'),
      processor('updateStatus', 'function'),
      processor('shouldLock', 'function'),
      processor('isRunning', 'boolean'),
      processor('processInterval', 'object'),
      processor('notificationUnsubscribe', 'function'),
      processor('lockedJobs', 'array'),
      processor('runningJobs', 'array'),
      processor('jobStatus', 'object'),
      processor('maxConcurrency', 'number'),
      describeMember(subjects.job, 'Job', 'isExpired', 'function'),
      processor('handleNotification', 'function'),
      describeMember(subjects.agenda, 'Agenda', 'publishJobNotification', 'function'),
      channel('notifyHandlers', 'function'),
      channel('notifyStateHandlers', 'function'),
      channel('setState', 'function'),
      channel('handlers', 'object'),
    ],
    backend: [
      describeMember(subjects.repository, 'MongoJobRepository', 'saveJobState', 'function'),
      describeMember(subjects.repository, 'MongoJobRepository', 'unlockJob', 'function'),
    ],
  };
}

/** Agenda's packages as installed: a probe Agenda is started (no database, no polling) to look at its processor. */
export async function agendaTestedPackages(): Promise<TestedPackage[]> {
  const members = await withStartedProbe((agenda) =>
    agendaInternalMembers({
      agenda,
      processor: jobProcessorOf(agenda),
      job: Job.prototype,
      repository: MongoJobRepository.prototype,
      // Never connected: it touches no database until then.
      notificationChannel: new JobNotificationChannel({} as Db),
    }),
  );
  const tested = (name: keyof typeof AGENDA_TESTED_VERSIONS, found: FoundMember[]): TestedPackage => ({
    name,
    testedVersion: AGENDA_TESTED_VERSIONS[name],
    adapter: ADAPTER,
    members: found,
  });
  return [tested('agenda', members.agenda), tested('@agendajs/mongo-backend', members.backend), tested('agendash', [])];
}

/** Long enough that the probe never polls before it is stopped, short enough for a 32-bit timer. */
const PROBE_POLL_MS = 2 ** 30;

/**
 * Runs `look` on an Agenda started on a backend and channel that do nothing, then stops it. The
 * processor's fields are only there while it runs; nothing is read or written anywhere.
 */
async function withStartedProbe<T>(look: (agenda: Agenda) => T): Promise<T> {
  const backend = { name: 'probe', repository: {}, ownsConnection: false, connect: async () => {}, disconnect: async () => {} };
  const channel = { state: 'connected', connect: async () => {}, disconnect: async () => {}, subscribe: () => () => {}, publish: async () => {}, on() {}, off() {} };
  const probe = new Agenda({
    backend: backend as unknown as AgendaBackend,
    notificationChannel: channel as unknown as NotificationChannel,
    processEvery: PROBE_POLL_MS,
  });
  await probe.start();
  try {
    return look(probe);
  } finally {
    await probe.stop(false);
  }
}
