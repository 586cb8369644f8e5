// Demo client. Every panel logs in through the demo-only login, then opens a stream:
// native EventSource with ?token=, or the npm event-source-polyfill with a header.
(function () {
  'use strict';

  const SERVER_EVENTS = ['sse-connected', 'heartbeat', 'sse-token-expiring', 'sse-close'];

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

  function streamUrl(params) {
    const query = new URLSearchParams();
    Object.entries(params).forEach(([name, value]) => {
      if (value !== undefined && value !== null) {
        query.append(name, value);
      }
    });
    return 'sse?' + query;
  }

  // EventSource hides the status of a refused request: ask again with fetch to show it.
  async function explainRefusal(url, view) {
    const controller = new AbortController();
    try {
      const response = await fetch(url, { signal: controller.signal });
      if (response.status === 200) {
        view.set('status', 'reconnecting');
        return;
      }
      const error = await response.json();
      view.set('status', response.status + ' ' + error.code + ': ' + error.message);
      view.log('error', response.status + ' ' + error.code);
    } catch (failure) {
      view.set('status', 'unreachable');
    } finally {
      controller.abort();
    }
  }

  // Opens a stream and routes its events; returns the EventSource (native or polyfill).
  function open(url, view, handlers, options) {
    const source = (options && options.headers)
      ? new EventSourcePolyfill(url, { headers: options.headers })
      : new EventSource(url);
    source.addEventListener('sse-connected', (event) => {
      const connected = JSON.parse(event.data);
      view.set('status', 'connected');
      view.log('sse-connected', 'resume=' + connected.resume + ' channels=' + connected.channels.join(','));
    });
    Object.entries(handlers).forEach(([name, handler]) => source.addEventListener(name, handler));
    source.addEventListener('sse-close', (event) => view.log('sse-close', event.data));
    source.onerror = () => {
      if (source.readyState === 2) {
        explainRefusal(url, view);
      } else {
        view.set('status', 'reconnecting');
      }
    };
    return source;
  }

  // Counts ticker events and any break in each publishing node's numbering: a lost or
  // repeated event.
  function ticker(view) {
    const state = { lastN: {}, lastId: null };
    state.onTick = (event) => {
      const tick = JSON.parse(event.data);
      const last = state.lastN[tick.node];
      if (last !== undefined && tick.n !== last + 1) {
        view.add('gaps');
        view.log('error', tick.node + ': expected ' + (last + 1) + ' got ' + tick.n);
      }
      state.lastN[tick.node] = tick.n;
      state.lastId = event.lastEventId;
      view.add('received');
      view.log('tick', '#' + event.lastEventId + ' ' + tick.node + ' n=' + tick.n);
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

  async function drones() {
    const view = panel('drones');
    const map = droneMap(view.root.querySelector('.map'));
    const token = await login('pilot', ['project:1'], 600);
    let source = null;
    view.root.querySelectorAll('button[data-project]').forEach((button) => {
      button.addEventListener('click', () => {
        if (source) {
          source.close();
        }
        const channel = 'project:' + button.dataset.project;
        view.set('status', 'connecting to ' + channel);
        source = open(streamUrl({ token: token, channel: channel }), view, {
          position: (event) => {
            const position = JSON.parse(event.data);
            view.add('received');
            map.draw(position);
            view.log('position', position.drone + ' ' + position.lat.toFixed(5) + ',' + position.lon.toFixed(5));
          }
        });
      });
    });
  }

  async function notifications(user) {
    const view = panel('notes-' + user);
    const token = await login(user, [], 600);
    open(streamUrl({ token: token }), view, {
      notification: (event) => {
        view.add('received');
        view.log('notification', JSON.parse(event.data).text);
      },
      broadcast: (event) => view.log('broadcast', event.data)
    });
  }

  async function resume() {
    const view = panel('resume');
    const token = await login('reader', ['ticker'], 600);
    const state = ticker(view);
    let source = null;
    const connect = () => {
      view.log('connect', 'lastEventId=' + state.lastId);
      source = open(streamUrl({ token: token, channel: 'ticker', lastEventId: state.lastId }), view, { tick: state.onTick });
      source.addEventListener('sse-connected', (event) => {
        const connected = JSON.parse(event.data);
        view.set('resume', connected.resume);
        view.set('node', connected.node || 'single node');
      });
    };
    view.root.querySelector('.drop').addEventListener('click', () => {
      source.close();
      view.add('drops');
      view.set('status', 'dropped');
      view.set('resume', '-');
      setTimeout(connect, 1500);
    });
    connect();
  }

  async function expiry(ttlSeconds) {
    const view = panel('expiry');
    const state = ticker(view);
    const connect = async () => {
      const token = await login('shortlived', ['ticker'], ttlSeconds);
      const source = open(streamUrl({ token: token, channel: 'ticker', lastEventId: state.lastId }), view, {
        tick: state.onTick,
        'sse-token-expiring': (event) => {
          view.add('warnings');
          view.log('sse-token-expiring', event.data);
        }
      });
      source.addEventListener('sse-close', async (event) => {
        if (JSON.parse(event.data).reason === 'token-expired') {
          source.close();
          view.set('status', 'renewing token');
          await connect();
          view.add('renewals');
        }
      });
    };
    await connect();
  }

  async function headerClient() {
    const view = panel('header-client');
    const token = await login('carol', ['ticker'], 600);
    const state = ticker(view);
    open(streamUrl({ channel: 'ticker' }), view, { tick: state.onTick },
      { headers: { Authorization: 'Bearer ' + token } });
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
  }

  start();
})();
