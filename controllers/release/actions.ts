import type { Colour } from '../../src/api/types.js';

/** A change to make in the cloud. Every action is idempotent: doing it twice changes nothing more. */
export type Action =
  | {
      kind: 'updateService';
      service: string;
      taskDefinition?: string;
      desiredCount?: number;
      /** A new deployment even of the same task definition: every task is replaced. */
      forceNewDeployment?: boolean;
      reason: string;
    }
  | {
      kind: 'setWeights';
      weights: Record<Colour, number>;
      reason: string;
    }
  | {
      /** blueGreen's preview listener or rule: all of it to the colour being rolled out. */
      kind: 'setPreviewWeights';
      targetGroups: { targetGroupArn: string; weight: number }[];
      reason: string;
    }
  | {
      /** A job's one-off task; the client token makes a repeat (after a crash) find the same task. */
      kind: 'runJob';
      job: string;
      taskDefinition: string;
      container: string;
      command?: string[];
      environment?: Record<string, string>;
      /** The service whose launch settings (network, launch type or capacity providers) the task copies. */
      likeService: string;
      clientToken: string;
      reason: string;
    }
  | {
      kind: 'stopJob';
      job: string;
      taskArn: string;
      reason: string;
    };

export function describeAction(action: Action): string {
  switch (action.kind) {
    case 'updateService': {
      const parts = [
        action.taskDefinition ? `task definition ${action.taskDefinition}` : '',
        action.desiredCount !== undefined ? `desired count ${action.desiredCount}` : '',
        action.forceNewDeployment ? 'new deployment' : '',
      ].filter(Boolean);
      return `update ${action.service}: ${parts.join(', ')} (${action.reason})`;
    }
    case 'setWeights':
      return `set weights blue ${action.weights.blue} / green ${action.weights.green} (${action.reason})`;
    case 'runJob':
      return `run job ${action.job} on ${action.taskDefinition} like ${action.likeService} (${action.reason})`;
    case 'stopJob':
      return `stop job ${action.job} task ${action.taskArn} (${action.reason})`;
    case 'setPreviewWeights':
      return `point the preview at ${action.targetGroups.filter((t) => t.weight > 0).map((t) => t.targetGroupArn).join(', ')} (${action.reason})`;
  }
}
