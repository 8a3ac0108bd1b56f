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
  // Anything else is sent as typed, and the API refuses it with its reason.
  function endOfDay(v) {
    var d = new Date(v + 'T23:59:59+08:00');
    return isNaN(d.getTime()) ? v : d.toISOString();
  }

  // The browser's own validation bubbles speak its language: these speak Chinese whatever it is.
  document.addEventListener(
    'invalid',
    function (event) {
      var el = event.target;
      if (!el.setCustomValidity) return;
      var v = el.validity;
      el.setCustomValidity(
        v.valueMissing
          ? '请填写此项'
          : v.patternMismatch && el.hasAttribute('data-date')
            ? '请按“年-月-日”填写，如 2017-12-31'
            : v.rangeUnderflow || v.rangeOverflow
              ? '数值应在 ' + (el.min || '…') + ' 至 ' + (el.max || '…') + ' 之间'
              : v.typeMismatch || v.badInput || v.patternMismatch
                ? '格式不正确'
                : '',
      );
    },
    true,
  );
  document.addEventListener('input', function (event) {
    if (event.target.setCustomValidity) event.target.setCustomValidity('');
  });

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
    if (body.newDueAt) body.newDueAt = endOfDay(body.newDueAt);
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

  // A one-time password or API token is shown once, here, and never again.
  function showSecret(answer) {
    var el = document.querySelector('[data-secret]');
    if (!el || !answer || !(answer.password || answer.token)) return;
    el.textContent = answer.password
      ? '账号 ' + answer.username + ' 的一次性密码（只显示这一次，请转交本人）：' + answer.password
      : '令牌 ' + answer.id + '（只显示这一次，请立即保存）：' + answer.token;
    el.hidden = false;
  }

  function showFileNames(form) {
    Array.prototype.forEach.call(form.querySelectorAll('input[data-file]'), function (input) {
      var names = input.closest('.file-field').querySelector('[data-file-names]');
      if (!names) return;
      var list = Array.prototype.map.call(input.files, function (f) {
        return f.name;
      });
      names.textContent = list.length ? '已选 ' + list.length + ' 个文件：' + list.join('、') : '未选择文件';
    });
  }
  document.addEventListener('change', function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute('data-file')) showFileNames(event.target.form);
  });

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
    var question =
      (submitter && submitter.getAttribute('data-confirm-override')) || form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) return;
    var result = form.querySelector('[data-form-result]');
    if (result) {
      result.textContent = '';
      result.className = 'form-result';
    }
    var body = serialize(form, submitter);
    Array.prototype.forEach.call(form.querySelectorAll('button'), function (b) {
      b.disabled = true;
    });
    uploadAll(form)
      .then(function (evidence) {
        if (evidence.length) body.evidence = evidence;
        return api('POST', url, body);
      })
      .then(function (answer) {
        delete form.dataset.dirty;
        if (form.getAttribute('data-after') === 'cycle' && answer && answer.cycleId) {
          location.href = '/inspector?cycle=' + encodeURIComponent(answer.cycleId);
          return;
        }
        flash('操作成功', false);
        showSecret(answer);
        form.reset();
        showFileNames(form);
        refresh(form);
      })
      .catch(function (err) {
        // The refusal is shown where the person acted, and in the page's status line.
        if (result) {
          result.textContent = '未能办理：' + err.message;
          result.className = 'form-result error';
        }
        flash(err.message, true);
      })
      .then(function () {
        Array.prototype.forEach.call(form.querySelectorAll('button'), function (b) {
          b.disabled = false;
        });
      });
  });

  // 导入规划: the file is previewed as a server-rendered fragment, then imported on confirmation with
  // the content hash the preview showed (the same file is sent again).
  function planFile() {
    var input = document.querySelector('form[data-plan-preview] input[type="file"]');
    return input && input.files.length ? input.files[0] : null;
  }

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form.hasAttribute('data-plan-preview')) return;
    event.preventDefault();
    var file = planFile();
    var target = document.querySelector('[data-plan-preview-result]');
    if (!target) return;
    if (!file) return flash('请选择要导入的规划文件', true);
    var data = new FormData();
    data.append('file', file);
    target.textContent = '正在解析……';
    fetch('/plans/preview', {
      method: 'POST',
      headers: { 'X-CSRF-Token': csrf },
      credentials: 'same-origin',
      body: data,
    })
      .then(function (res) {
        return res.text().then(function (text) {
          if (res.ok) return text;
          var message = '预览失败（' + res.status + '）';
          try {
            message = JSON.parse(text).message || message;
          } catch (e) {
            // not JSON: keep the status
          }
          throw new Error(message);
        });
      })
      .then(function (fragment) {
        target.innerHTML = fragment;
        flash('', false);
      })
      .catch(function (err) {
        target.textContent = '';
        flash(err.message, true);
      });
  });

  document.addEventListener('click', function (event) {
    var button = event.target;
    if (!button.hasAttribute || !button.hasAttribute('data-plan-import')) return;
    var file = planFile();
    if (!file) return flash('请重新选择规划文件', true);
    var data = new FormData();
    data.append('file', file);
    data.append('contentHash', button.getAttribute('data-hash'));
    button.disabled = true;
    api('POST', '/api/plans/import', data, true)
      .then(function (result) {
        flash(
          result.status === 'unchanged'
            ? '内容与已导入的第 ' + result.version + ' 版相同，未做任何更改'
            : '已导入第 ' +
                result.version +
                ' 版（规划编号 ' +
                result.planId +
                '），共 ' +
                result.itemCount +
                ' 个条目',
          false,
        );
        setTimeout(function () {
          location.reload();
        }, 1500);
      })
      .catch(function (err) {
        button.disabled = false;
        flash(err.message, true);
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
  var again = false;
  // `sent` is the form just sent: its section is re-rendered even though it has the focus.
  function refresh(sent) {
    var live = document.querySelectorAll('[data-live]');
    if (!live.length) return;
    if (busy) {
      again = sent || again || true;
      return;
    }
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
          var mine = sent instanceof Element && section.contains(sent);
          if (!mine && (editing || section.querySelector('form[data-dirty]'))) return;
          if (section.innerHTML !== fresh.innerHTML) section.innerHTML = fresh.innerHTML;
        });
        applyBoard();
      })
      .catch(function () {})
      .then(function () {
        busy = false;
        if (again) {
          var next = again;
          again = false;
          refresh(next);
        }
      });
  }

  // Changes are pushed (Server-Sent Events); polling is the fallback when the stream is not available.
  // Colours also move with plan time alone, so a slow refresh runs in any case.
  var POLL_MS = 5000;
  var SLOW_MS = 30000;
  var poller = null;
  function poll() {
    if (!poller) poller = setInterval(refresh, POLL_MS);
  }
  if (document.querySelector('[data-live]')) {
    setInterval(refresh, SLOW_MS);
    if (window.EventSource) {
      var source = new EventSource('/api/changes');
      source.addEventListener('change', function () {
        refresh();
      });
      source.addEventListener('ready', function () {
        document.documentElement.setAttribute('data-live-mode', 'push');
        if (poller) {
          clearInterval(poller);
          poller = null;
        }
      });
      source.onerror = function () {
        document.documentElement.setAttribute('data-live-mode', 'poll');
        poll();
      };
    } else poll();
  }

  // The board: sorting by column and filtering by unit, colour, status, section, words and tiles.
  var sortState = { key: null, dir: 1, type: 'text' };
  var flag = null;
  function filterValues() {
    var values = {};
    Array.prototype.forEach.call(document.querySelectorAll('[data-filter]'), function (el) {
      values[el.getAttribute('data-filter')] = el.value.trim();
    });
    return values;
  }
  function applyBoard() {
    var table = document.querySelector('table[data-board]');
    if (!table) return;
    var f = filterValues();
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var shown = 0;
    rows.forEach(function (row) {
      var d = row.dataset;
      var ok =
        (!f.unit || d.unit.split('|').indexOf(f.unit) >= 0) &&
        (!f.rag || d.rag === f.rag) &&
        (!f.status || d.status === f.status) &&
        (!f.section || d.section === f.section) &&
        (!f.text || d.text.toLowerCase().indexOf(f.text.toLowerCase()) >= 0) &&
        (!flag || d[flag] === '1');
      row.hidden = !ok;
      if (ok) shown++;
    });
    var count = document.querySelector('[data-filter-count]');
    if (count) count.textContent = '显示 ' + shown + ' / ' + rows.length + ' 个项目';
    if (sortState.key) {
      var cell = function (row) {
        var td = row.querySelector('td[data-key="' + sortState.key + '"]');
        return td ? td.getAttribute('data-value') : '';
      };
      rows.sort(function (a, b) {
        var x = cell(a);
        var y = cell(b);
        var c =
          sortState.type === 'number'
            ? Number(x) - Number(y)
            : x.localeCompare(y, 'zh-CN', { numeric: true });
        return c * sortState.dir;
      });
      rows.forEach(function (row) {
        table.tBodies[0].appendChild(row);
      });
      Array.prototype.forEach.call(table.querySelectorAll('th'), function (th) {
        var b = th.querySelector('[data-sort]');
        th.setAttribute(
          'aria-sort',
          b && b.getAttribute('data-sort') === sortState.key
            ? sortState.dir > 0
              ? 'ascending'
              : 'descending'
            : 'none',
        );
      });
    }
  }
  document.addEventListener('click', function (event) {
    var sort = event.target.closest && event.target.closest('[data-sort]');
    if (sort) {
      var key = sort.getAttribute('data-sort');
      sortState.dir = sortState.key === key ? -sortState.dir : 1;
      sortState.key = key;
      sortState.type = sort.getAttribute('data-sort-type') || 'text';
      applyBoard();
      return;
    }
    var tile = event.target.closest && event.target.closest('[data-tile-filter]');
    if (!tile) return;
    var form = document.querySelector('[data-board-filters]');
    if (form) form.reset();
    flag = null;
    var spec = tile.getAttribute('data-tile-filter');
    if (spec) {
      var kv = spec.split('=');
      var select = document.querySelector('[data-filter="' + kv[0] + '"]');
      if (select) select.value = kv[1];
      else flag = kv[0];
    }
    Array.prototype.forEach.call(document.querySelectorAll('[data-tile-filter]'), function (b) {
      b.setAttribute('aria-pressed', b === tile && spec ? 'true' : 'false');
    });
    applyBoard();
    var board = document.getElementById('board-section');
    if (board) board.scrollIntoView({ behavior: 'smooth', block: 'start' });
  });
  document.addEventListener('input', function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute('data-filter')) applyBoard();
  });
  document.addEventListener('change', function (event) {
    var el = event.target;
    if (!el.hasAttribute) return;
    if (el.hasAttribute('data-sort-select')) {
      var parts = el.value.split(':');
      sortState = { key: parts[0], dir: 1, type: parts[1] };
    }
    if (el.hasAttribute('data-filter') || el.hasAttribute('data-sort-select')) applyBoard();
  });
  document.addEventListener('submit', function (event) {
    if (event.target.hasAttribute('data-board-filters')) event.preventDefault();
  });
  document.addEventListener('reset', function (event) {
    if (!event.target.hasAttribute('data-board-filters')) return;
    flag = null;
    setTimeout(applyBoard, 0);
  });
  applyBoard();

  // The auditor's whole-cycle check: progress arrives as Server-Sent Events, then the verdict.
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('[data-audit-check]');
    if (!button || !window.EventSource) return;
    var box = document.querySelector('[data-audit-progress]');
    var bar = box.querySelector('progress');
    var text = box.querySelector('span');
    var out = document.querySelector('[data-audit-verdict]');
    var done = false;
    button.disabled = true;
    box.hidden = false;
    out.innerHTML = '';
    text.textContent = '正在连接……';
    var check = new EventSource(button.getAttribute('data-audit-check'));
    function finish(html) {
      done = true;
      check.close();
      box.hidden = true;
      out.innerHTML = html;
      button.disabled = false;
    }
    check.addEventListener('progress', function (e) {
      var p = JSON.parse(e.data);
      bar.max = p.total || 1;
      bar.value = p.done;
      text.textContent = p.stage + ' ' + p.done + '/' + p.total;
    });
    check.addEventListener('verdict', function (e) {
      finish(e.data);
    });
    check.addEventListener('failed', function (e) {
      var p = document.createElement('p');
      p.className = 'verdict broken';
      p.textContent = e.data;
      finish(p.outerHTML);
    });
    check.onerror = function () {
      if (!done) finish('<p class="verdict broken">与服务器的连接中断，核对未完成，请重试。</p>');
    };
  });
})();
