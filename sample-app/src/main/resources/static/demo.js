// Demo client. Every panel logs in through the demo-only login, then opens a stream with
// the starter's browser client (sse-spring-boot-client, served by its jar under /webjars):
// native EventSource with ?token=, or fetch with an Authorization header.
import { connect } from './webjars/sse-spring-boot-client/index.js';

function panel(id) {
  const root = document.getElementById(id);
  const field = (name) => root.querySelector('.' + name);
  return {
    root: root,
    set: (name, value) => { field(name).textContent = String(value); },
    add: (name) => { field(name).textContent = String(Number(field(name).textContent) + 1); },
    log: (kind, text) => {
      const list = field('log');
      const item = document.createElement('li');
      item.className = kind;
      item.textContent = kind + ' ' + text;
      list.prepend(item);
      while (list.children.length > 100) {
        list.lastChild.remove();
      }
    }
  };
}

async function login(user, channels, ttlSeconds) {
  const body = new URLSearchParams({ user: user, ttl: 'PT' + ttlSeconds + 'S' });
  channels.forEach((channel) => body.append('channel', channel));
  const response = await fetch('demo/login', { method: 'POST', body: body });
  if (!response.ok) {
    throw new Error('demo login failed: ' + response.status);
  }
  return (await response.json()).token;
}

function describeStatus(status) {
  if (status.state === 'open') {
    return 'connected';
  }
  if (status.error) {
    return status.error.status + ' ' + status.error.code + ': ' + status.error.message;
  }
  return status.state + (status.reason ? ' (' + status.reason + ')' : '');
}

// Opens a stream with the starter's browser client and shows what it does.
function open(view, options, handlers) {
  const client = connect({
    url: 'sse',
    ...options,
    onStatus: (status) => {
      view.set('status', describeStatus(status));
      if (status.state !== 'open' && status.reason) {
        view.log(status.state, status.reason);
      }
    }
  });
  client.on('sse-connected', (message) => {
    const connected = message.json();
    view.log('sse-connected', 'resume=' + connected.resume + ' channels=' + connected.channels.join(','));
  });
  client.on('sse-close', (message) => view.log('sse-close', message.data));
  Object.entries(handlers).forEach(([name, handler]) => client.on(name, handler));
  return client;
}

// Counts ticker events and any break in each publishing node's numbering: a lost or
// repeated event.
function ticker(view) {
  const state = { lastN: {} };
  state.onTick = (message) => {
    const tick = message.json();
    const last = state.lastN[tick.node];
    if (last !== undefined && tick.n !== last + 1) {
      view.add('gaps');
      view.log('error', tick.node + ': expected ' + (last + 1) + ' got ' + tick.n);
    }
    state.lastN[tick.node] = tick.n;
    view.add('received');
    view.log('tick', '#' + message.id + ' ' + tick.node + ' n=' + tick.n);
  };
  return state;
}

// Draws each drone where it is, with a short trail, around the project site at
// 47.00 N, 8.00 E (the demo's drones fly within 0.01 degrees of it).
function droneMap(svg) {
  const ns = 'http://www.w3.org/2000/svg';
  const drones = {};
  return {
    draw: (position) => {
      let drone = drones[position.drone];
      if (!drone) {
        const trail = document.createElementNS(ns, 'polyline');
        trail.setAttribute('class', 'trail project-' + position.project);
        const dot = document.createElementNS(ns, 'circle');
        dot.setAttribute('class', 'drone project-' + position.project);
        dot.setAttribute('r', '0.09');
        dot.dataset.drone = position.drone;
        svg.append(trail, dot);
        drone = drones[position.drone] = { trail: trail, dot: dot, points: [] };
      }
      const x = ((position.lon - 8.0) / 0.01).toFixed(3);
      const y = (-(position.lat - 47.0) / 0.01).toFixed(3);
      drone.points.push(x + ',' + y);
      drone.points = drone.points.slice(-30);
      drone.trail.setAttribute('points', drone.points.join(' '));
      drone.dot.setAttribute('cx', x);
      drone.dot.setAttribute('cy', y);
    }
  };
}

function drones() {
  const view = panel('drones');
  const map = droneMap(view.root.querySelector('.map'));
  let client = null;
  view.root.querySelectorAll('button[data-project]').forEach((button) => {
    button.addEventListener('click', () => {
      if (client) {
        client.close();
      }
      client = open(view, { getToken: () => login('pilot', ['project:1'], 600),
        channels: ['project:' + button.dataset.project] }, {
        position: (message) => {
          const position = message.json();
          view.add('received');
          map.draw(position);
          view.log('position', position.drone + ' ' + position.lat.toFixed(5) + ',' + position.lon.toFixed(5));
        }
      });
    });
  });
}

function notifications(user) {
  const view = panel('notes-' + user);
  open(view, { getToken: () => login(user, [], 600) }, {
    notification: (message) => {
      view.add('received');
      view.log('notification', message.json().text);
    },
    broadcast: (message) => view.log('broadcast', message.data)
  });
}

// The last id stays in sessionStorage: a reload of the page, like a dropped connection,
// resumes "recovered".
function resume() {
  const view = panel('resume');
  const state = ticker(view);
  let client = null;
  const start = () => {
    client = open(view, { getToken: () => login('reader', ['ticker'], 600), channels: ['ticker'],
      storageKey: 'demo-resume-last-id' }, { tick: state.onTick });
    client.on('sse-connected', (message) => {
      const connected = message.json();
      view.set('resume', connected.resume);
      view.set('node', connected.node || 'single node');
    });
  };
  const drop = view.root.querySelector('.drop');
  drop.addEventListener('click', () => {
    client.close();
    drop.disabled = true;
    view.add('drops');
    view.set('status', 'dropped');
    view.set('resume', '-');
    setTimeout(() => {
      drop.disabled = false;
      start();
    }, 1500);
  });
  start();
}

// The client renews the token on sse-token-expiring and resumes with the last id.
function expiry(ttlSeconds) {
  const view = panel('expiry');
  const state = ticker(view);
  let logins = 0;
  const getToken = () => {
    if (logins++ > 0) {
      view.add('renewals');
    }
    return login('shortlived', ['ticker'], ttlSeconds);
  };
  open(view, { getToken, channels: ['ticker'] }, {
    tick: state.onTick,
    'sse-token-expiring': (message) => {
      view.add('warnings');
      view.log('sse-token-expiring', message.data);
    }
  });
}

function headerClient() {
  const view = panel('header-client');
  const state = ticker(view);
  open(view, { transport: 'fetch', getToken: () => login('carol', ['ticker'], 600), channels: ['ticker'] },
    { tick: state.onTick });
}

// Who is in the room: the application's members event when the stream opens, then the
// starter's sse-join and sse-leave (the room's channels have presence-events).
function room(user, transport) {
  const view = panel('room-' + user);
  const members = new Set();
  let client = null;
  const show = () => {
    view.set('count', members.size);
    view.set('members', [...members].sort().join(', '));
  };
  const join = () => {
    if (client) {
      return;
    }
    client = open(view, { transport, getToken: () => login(user, ['room:lobby'], 600), channels: ['room:lobby'] }, {
      members: (message) => {
        message.json().forEach((member) => members.add(member));
        show();
      }
    });
    client.on('sse-join', (message) => {
      members.add(message.json().userId);
      view.log('sse-join', message.json().userId);
      show();
    }, { channel: 'room:lobby' });
    client.on('sse-leave', (message) => {
      members.delete(message.json().userId);
      view.log('sse-leave', message.json().userId);
      show();
    }, { channel: 'room:lobby' });
  };
  view.root.querySelector('.join').addEventListener('click', join);
  view.root.querySelector('.leave').addEventListener('click', () => {
    if (client) {
      client.close();
      client = null;
      members.clear();
      view.set('status', 'left');
      show();
    }
  });
}

// The starter's own meters, once a second.
function figures() {
  const view = panel('figures');
  const describe = (counts) => Object.entries(counts).map(([key, count]) => key + ' ' + count).join(' · ') || '-';
  const refresh = async () => {
    try {
      const figures = await (await fetch('demo/figures')).json();
      ['streams', 'users', 'published', 'delivered', 'dropped', 'replayed'].forEach((name) => view.set(name, figures[name]));
      view.set('latency', figures.latencyMeanMillis);
      view.set('resumes', describe(figures.resumes));
      view.set('closed', describe(figures.closed));
      view.set('refused', describe(figures.refused));
    } catch (failure) {
      // The next refresh tries again.
    }
  };
  refresh();
  setInterval(refresh, 1000);
}

async function start() {
  const config = await (await fetch('demo/config')).json();
  figures();
  drones();
  notifications('alice');
  notifications('bob');
  resume();
  expiry(config.shortTokenTtlSeconds);
  headerClient();
  room('ann', 'eventsource');
  room('ben', 'fetch');
}

start();
