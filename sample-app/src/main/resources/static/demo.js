// Demo client: obtains a token from the demo login, then opens a native EventSource
// with the token in the query string.
(function () {
  const form = document.getElementById('connect');
  const list = document.getElementById('events');
  const status = document.getElementById('status');
  let source = null;

  function show(kind, text) {
    const item = document.createElement('li');
    item.className = kind;
    item.textContent = '[' + kind + '] ' + text;
    list.prepend(item);
    while (list.children.length > 200) {
      list.lastChild.remove();
    }
  }

  async function login(user, channels) {
    const body = new URLSearchParams({ user: user });
    channels.forEach((channel) => body.append('channel', channel));
    const response = await fetch('demo/login', { method: 'POST', body: body });
    if (!response.ok) {
      throw new Error('login failed: ' + response.status);
    }
    return (await response.json()).token;
  }

  function split(value) {
    return value.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (source) {
      source.close();
    }
    const data = new FormData(form);
    try {
      const token = await login(data.get('user'), split(data.get('channels')));
      const query = new URLSearchParams({ token: token });
      split(data.get('subscribe')).forEach((channel) => query.append('channel', channel));
      source = new EventSource('sse?' + query);
      source.onopen = () => { status.textContent = 'connected'; };
      source.onerror = () => {
        status.textContent = source.readyState === EventSource.CLOSED ? 'refused or closed' : 'reconnecting';
      };
      ['sse-connected', 'position', 'notification', 'broadcast', 'heartbeat', 'sse-token-expiring', 'sse-close']
        .forEach((name) => source.addEventListener(name, (e) => show(name, (e.lastEventId ? '#' + e.lastEventId + ' ' : '') + e.data)));
    } catch (error) {
      show('error', error.message);
    }
  });

  document.getElementById('disconnect').addEventListener('click', () => {
    if (source) {
      source.close();
      source = null;
      status.textContent = 'disconnected';
    }
  });
})();
