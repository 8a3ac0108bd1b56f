// 督导 web workspace: sends forms to the JSON API and keeps live sections fresh by polling.
// Plain browser JavaScript, no dependencies, served by the app itself (works offline).
(function () {
  'use strict';
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute('content') : '';

  function flash(text, isError) {
    var el = document.querySelector('[data-flash]');
    if (!el) return;
    el.textContent = text;
    el.className = 'flash ' + (isError ? 'error' : 'ok');
  }

  function api(method, url, body, isForm) {
    var headers = { 'X-CSRF-Token': csrf };
    if (body !== undefined && !isForm) headers['Content-Type'] = 'application/json';
    return fetch(url, {
      method: method,
      headers: headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
    }).then(function (res) {
      return res.text().then(function (text) {
        var data = null;
        try {
          data = text ? JSON.parse(text) : null;
        } catch (e) {
          data = null;
        }
        if (!res.ok) throw new Error((data && data.message) || '请求失败（' + res.status + '）');
        return data;
      });
    });
  }

  // A YYYY-MM-DD date means the end of that day in Beijing.
  function endOfDay(v) {
    return new Date(v + 'T23:59:59+08:00').toISOString();
  }

  function setPath(obj, path, value) {
    var keys = path.split('.');
    var at = obj;
    for (var i = 0; i < keys.length - 1; i++) at = at[keys[i]] = at[keys[i]] || {};
    at[keys[keys.length - 1]] = value;
  }

  // Form fields to a JSON body: names are paths (scope.kinds); data-type says how to read a value.
  function serialize(form, submitter) {
    var body = {};
    var lists = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === 'file' || el.type === 'submit') return;
      var type = el.getAttribute('data-type');
      if (type === 'list') {
        lists[el.name] = lists[el.name] || [];
        if (el.tagName === 'SELECT') {
          Array.prototype.forEach.call(el.selectedOptions, function (o) {
            lists[el.name].push(o.value);
          });
        } else if (el.checked) lists[el.name].push(el.value);
        return;
      }
      if (el.value === '') return;
      if (type === 'value') {
        body.values = body.values || [];
        body.values.push({ targetIndex: Number(el.getAttribute('data-index')), value: Number(el.value) });
      } else if (type === 'number') setPath(body, el.name, Number(el.value));
      else if (el.type === 'date') setPath(body, el.name, el.value);
      else setPath(body, el.name, el.value);
    });
    Object.keys(lists).forEach(function (name) {
      if (lists[name].length) setPath(body, name, lists[name]);
    });
    if (submitter && submitter.name) {
      setPath(
        body,
        submitter.name,
        submitter.getAttribute('data-type') === 'bool' ? submitter.value === 'true' : submitter.value,
      );
    }
    if (body.requestedDueAt) body.requestedDueAt = endOfDay(body.requestedDueAt);
    if (body.window && !body.window.opensAt) delete body.window;
    return body;
  }

  function uploadAll(form) {
    var input = form.querySelector('input[type="file"]');
    var files = input ? Array.prototype.slice.call(input.files) : [];
    return Promise.all(
      files.map(function (file) {
        var data = new FormData();
        data.append('file', file);
        return api('POST', '/api/evidence', data, true);
      }),
    );
  }

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (form.hasAttribute('data-signin')) {
      event.preventDefault();
      api('POST', '/api/session', { username: form.username.value, password: form.password.value })
        .then(function () {
          location.href = '/';
        })
        .catch(function (err) {
          flash(err.message, true);
        });
      return;
    }
    var action = form.getAttribute('data-action');
    if (!action) return;
    event.preventDefault();
    var submitter = event.submitter;
    var url = (submitter && submitter.getAttribute('data-action-override')) || action;
    var body = serialize(form, submitter);
    Array.prototype.forEach.call(form.querySelectorAll('button'), function (b) {
      b.disabled = true;
    });
    uploadAll(form)
      .then(function (evidence) {
        if (evidence.length) body.evidence = evidence;
        return api('POST', url, body);
      })
      .then(function (result) {
        delete form.dataset.dirty;
        if (form.getAttribute('data-after') === 'cycle' && result && result.cycleId) {
          location.href = '/inspector?cycle=' + encodeURIComponent(result.cycleId);
          return;
        }
        flash('操作成功', false);
        form.reset();
        refresh(true);
      })
      .catch(function (err) {
        flash(err.message, true);
      })
      .then(function () {
        Array.prototype.forEach.call(form.querySelectorAll('button'), function (b) {
          b.disabled = false;
        });
      });
  });

  document.addEventListener('input', function (event) {
    var form = event.target.form;
    if (form) form.dataset.dirty = '1';
  });

  document.addEventListener('click', function (event) {
    if (!event.target.hasAttribute('data-signout')) return;
    api('DELETE', '/api/session').then(function () {
      location.href = '/signin';
    });
  });

  // Live sections are re-rendered by the server; one being edited is left alone until it is sent.
  var busy = false;
  function refresh(force) {
    var live = document.querySelectorAll('[data-live]');
    if (!live.length || busy) return;
    busy = true;
    fetch(location.href, { credentials: 'same-origin' })
      .then(function (res) {
        return res.ok ? res.text() : null;
      })
      .then(function (text) {
        if (!text) return;
        var next = new DOMParser().parseFromString(text, 'text/html');
        Array.prototype.forEach.call(live, function (section) {
          var fresh = next.getElementById(section.id);
          if (!fresh) return;
          var editing = section.contains(document.activeElement) && document.activeElement !== document.body;
          if (!force && (editing || section.querySelector('form[data-dirty]'))) return;
          if (section.innerHTML !== fresh.innerHTML) section.innerHTML = fresh.innerHTML;
        });
      })
      .catch(function () {})
      .then(function () {
        busy = false;
      });
  }
  setInterval(refresh, 3000);
})();
