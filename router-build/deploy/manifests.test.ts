/**
 * The kustomize manifests, checked without a cluster: each object against the Kubernetes API
 * schema (kubernetes-models: types, required fields, enums and formats; like kubectl without
 * --strict it accepts unknown fields, so the fields that matter are asserted by name below),
 * every env var the controller container sets is a setting the controller reads and its value
 * passes the controller's own validation, and the ConfigMaps hold configs the controller accepts.
 */
import { join } from 'node:path';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../schemas/config/index.js';
import type { DesiredState } from '../../schemas/index.js';
import { SETTINGS } from '../../schemas/settings.js';
import { reservedPortsOf } from '../../controller/checks/reserved-ports.js';
import { MANAGEMENT_LISTENER } from '../../controller/router/management-channel.js';
import { loadSettings, type Settings } from '../../controller/settings.js';
import { kustomizeBuild, KustomizeError, type K8sObject } from './kustomize-build.js';

const HERE = import.meta.dirname;
const base = kustomizeBuild(join(HERE, 'base'));
const attach = kustomizeBuild(join(HERE, 'overlays', 'attach'));

interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: { name: string; value?: string }[];
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
  volumeMounts?: { name: string; mountPath: string; subPath?: string; readOnly?: boolean }[];
}
interface Volume {
  name: string;
  configMap?: { name: string };
  secret?: { secretName: string };
  emptyDir?: object;
}
interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: Container[];
  volumes: Volume[];
}

const VALIDATORS: Record<string, (o: K8sObject) => { validate(): void }> = {
  'apps/v1/Deployment': (o) => new Deployment(o),
  'v1/ConfigMap': (o) => new ConfigMap(o),
  'v1/Service': (o) => new Service(o),
};

const find = (objects: K8sObject[], kind: string, name: string): K8sObject => {
  const object = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!object) throw new Error(`no ${kind}/${name}`);
  return object;
};
const podOf = (objects: K8sObject[]) => (find(objects, 'Deployment', 'iofog-router') as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
const controllerOf = (objects: K8sObject[]): Container => {
  const c = podOf(objects).containers.find((x) => x.name === 'iofog-router');
  if (!c) throw new Error('no controller container');
  return c;
};
const envOf = (c: Container): Record<string, string> => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? '']));
const configIn = (objects: K8sObject[], configMap: string, key: string): string => {
  const text = (find(objects, 'ConfigMap', configMap) as unknown as { data: Record<string, string> }).data[key];
  if (text === undefined) throw new Error(`${configMap} has no ${key}`);
  return text;
};
const load = (text: string, file: string, reserved: Parameters<typeof reservedPortsOf>[0] | undefined = undefined): DesiredState => {
  const result = loadConfig(text, { file, ...(reserved ? { reservedPorts: reservedPortsOf(reserved) } : {}) });
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.state;
};

describe.each([
  ['base', base],
  ['overlays/attach', attach],
])('%s', (_name, objects) => {
  it('holds only objects that pass the Kubernetes API schema of their kind', () => {
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) {
      const validator = VALIDATORS[`${object.apiVersion}/${object.kind}`];
      expect(validator, `${object.apiVersion} ${object.kind}`).toBeDefined();
      expect(() => validator?.(object).validate(), `${object.kind}/${object.metadata.name}`).not.toThrow();
    }
  });

  it('sets only env vars the controller reads, each with a value it accepts', () => {
    const env = envOf(controllerOf(objects));
    const known = new Set(SETTINGS.map((s) => s.env));
    for (const name of Object.keys(env)) expect(known, name).toContain(name);
    expect(() => loadSettings(env)).not.toThrow();
  });

  it('runs as uid 10000, non-root, on a read-only root filesystem with an emptyDir at /tmp, probed on /healthz and /readyz', () => {
    const pod = podOf(objects);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10000 });
    for (const c of pod.containers) {
      expect(c.securityContext, c.name).toMatchObject({ runAsNonRoot: true, runAsUser: 10000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
      expect(pod.volumes.find((v) => v.name === tmp?.name)?.emptyDir, `${c.name} /tmp`).toBeDefined();
    }
    const controller = controllerOf(objects);
    const httpPort = loadSettings(envOf(controller)).httpPort;
    const http = controller.ports?.find((p) => p.name === 'http');
    expect(http?.containerPort).toBe(httpPort);
    expect(controller.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(controller.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
  });

  it('mounts the ConfigMap as the directory of QDROUTERD_CONF (no subPath) and each Secret at SSL_PROFILE_PATH/<profile>', () => {
    const pod = podOf(objects);
    const controller = controllerOf(objects);
    const settings: Settings = loadSettings(envOf(controller));
    expect(settings.platform).toBe('kubernetes');
    const mounts = controller.volumeMounts ?? [];
    for (const m of mounts) expect(m.subPath, m.mountPath).toBeUndefined();
    const configMount = mounts.find((m) => settings.configFile.startsWith(`${m.mountPath}/`));
    const configVolume = pod.volumes.find((v) => v.name === configMount?.name);
    expect(configVolume?.configMap?.name).toBe('iofog-router-config');
    const file = settings.configFile.slice((configMount?.mountPath.length ?? 0) + 1);
    const desired = load(configIn(objects, 'iofog-router-config', file), file, settings);
    const profiles = desired.entities.filter((e) => e.kind === 'sslProfile').map((e) => e.name);
    expect(profiles.length).toBeGreaterThan(0);
    for (const profile of profiles) {
      const mount = mounts.find((m) => m.mountPath === `${settings.sslProfilePath}/${profile}`);
      expect(pod.volumes.find((v) => v.name === mount?.name)?.secret, profile).toBeDefined();
    }
  });
});

describe('base', () => {
  it('runs one container: the controller, which starts the router itself', () => {
    const pod = podOf(base);
    expect(pod.containers.map((c) => c.name)).toEqual(['iofog-router']);
    expect(loadSettings(envOf(controllerOf(base))).routerUrl).toBeUndefined();
  });
});

describe('overlays/attach', () => {
  it('runs the controller beside a router container that boots from its own ConfigMap and serves management at ROUTER_URL', () => {
    const pod = podOf(attach);
    expect(pod.containers.map((c) => c.name)).toEqual(['iofog-router', 'skupper-router']);
    const settings = loadSettings(envOf(controllerOf(attach)));
    const url = new URL(settings.routerUrl ?? '');
    expect(url.protocol).toBe('amqp:');
    expect(envOf(controllerOf(attach))['ROUTER_BOOT_FILE']).toBeUndefined();

    const router = pod.containers[1] as Container;
    expect(router.env).toBeUndefined();
    const [binary, flag, bootFile = ''] = router.command ?? [];
    expect([binary, flag]).toEqual(['/usr/sbin/skrouterd', '-c']);
    const bootMount = router.volumeMounts?.find((m) => bootFile.startsWith(`${m.mountPath}/`));
    expect(pod.volumes.find((v) => v.name === bootMount?.name)?.configMap?.name).toBe('iofog-router-boot');
    const boot = load(configIn(attach, 'iofog-router-boot', bootFile.slice((bootMount?.mountPath.length ?? 0) + 1)), 'boot');
    const listener = boot.entities.find((e) => e.kind === 'listener');
    // The controller never touches this name: any other would be deleted as not desired.
    expect(listener?.name).toBe(MANAGEMENT_LISTENER);
    expect(listener?.attributes).toMatchObject({ host: url.hostname, port: url.port });

    const desired = load(configIn(attach, 'iofog-router-config', 'skrouterd.json'), 'desired', settings);
    // The router entity is restart-only, and an attached controller cannot restart the router.
    expect(boot.entities.find((e) => e.kind === 'router')).toEqual(desired.entities.find((e) => e.kind === 'router'));
    for (const e of desired.entities) if (e.kind === 'listener') expect(e.attributes['port'], e.name).not.toBe(url.port);
    // The router reads the sslProfile files the controller names: same mounts.
    const certs = (c: Container) => (c.volumeMounts ?? []).filter((m) => m.mountPath.startsWith(`${settings.sslProfilePath}/`)).map((m) => [m.name, m.mountPath]);
    expect(certs(router)).toEqual(certs(controllerOf(attach)));
  });
});

describe('kustomizeBuild', () => {
  it('refuses a kustomization field it does not implement, rather than skipping it', () => {
    expect(() => kustomizeBuild(join(HERE, 'test-fixtures', 'unsupported'))).toThrow(KustomizeError);
    expect(() => kustomizeBuild(join(HERE, 'test-fixtures', 'unsupported'))).toThrow(/field "namePrefix" is not supported/);
  });
});
