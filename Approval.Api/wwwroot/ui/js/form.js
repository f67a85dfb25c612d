// The one form, generated from the bundle's JSON Schema (GET /api/bundles/{code}): every field asked once, grouped
// by its top-level object; x-requiredWhen fields appear when their condition holds ("not x" conditions only make a
// field required); ID numbers (GB 11643), credit codes (GB 32100), phones and division codes checked as you type.
import { h, uid } from './dom.js';
import { t, getLang, enumLabel, groupLabel, pick } from './i18n.js';

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const USCC = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function idNumberProblem(id) {
  if (!/^\d{17}[\dXx]$/.test(id)) return msg('idShape');
  const sum = ID_WEIGHTS.reduce((s, w, i) => s + w * Number(id[i]), 0);
  if ('10X98765432'[sum % 11] !== id[17].toUpperCase()) return msg('idCheck');
  const y = Number(id.slice(6, 10)), m = Number(id.slice(10, 12)), d = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (birth.getUTCFullYear() !== y || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d || y < 1900 || birth > new Date()) return msg('idBirth');
  return null;
}

export function creditCodeProblem(code) {
  if (code.length !== 18 || [...code].some((c) => !USCC.includes(c))) return msg('usccShape');
  const sum = USCC_WEIGHTS.reduce((s, w, i) => s + w * USCC.indexOf(code[i]), 0);
  const check = 31 - (sum % 31);
  return USCC[check === 31 ? 0 : check] === code[17] ? null : msg('usccCheck');
}

const messages = {
  zh: {
    idShape: '身份证号应为18位（最后一位可为X）', idCheck: '身份证号校验位不正确', idBirth: '身份证号中的出生日期无效',
    usccShape: '统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V）', usccCheck: '统一社会信用代码校验位不正确',
    mobile: '请输入11位手机号码', region: '区划代码为6位数字', cert: '残疾人证号为身份证号加类别（1–7）和等级（1–4）共20位', certOwner: '残疾人证号应以申请人身份证号开头',
    required: '此项必填', number: '请输入数字', integer: '请输入整数', min: '不能小于 {n}', max: '不能大于 {n}', exMin: '必须大于 {n}',
    minLength: '至少 {n} 个字', maxLength: '最多 {n} 个字', sum: '{field}合计应为 {total}，现为 {sum}',
  },
  en: {
    idShape: 'An ID number has 18 characters (the last may be X)', idCheck: 'The ID number’s check character is wrong', idBirth: 'The birth date in the ID number is not valid',
    usccShape: 'A credit code has 18 digits or capital letters (no I, O, Z, S, V)', usccCheck: 'The credit code’s check character is wrong',
    mobile: 'Enter an 11-digit mobile number', region: 'A division code has 6 digits', cert: 'A certificate number is the ID number plus category (1–7) and grade (1–4): 20 characters', certOwner: 'The certificate number must begin with the applicant’s ID number',
    required: 'Required', number: 'Enter a number', integer: 'Enter a whole number', min: 'Must be at least {n}', max: 'Must be at most {n}', exMin: 'Must be more than {n}',
    minLength: 'At least {n} characters', maxLength: 'At most {n} characters', sum: '{field} must total {total} (now {sum})',
  },
};
function msg(key, args) {
  const text = messages[getLang()][key] ?? key;
  return args ? text.replace(/\{(\w+)\}/g, (_, n) => args[n] ?? '') : text;
}

const get = (obj, path) => path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);

/** requiredWhen as the server reads it: conditions joined by "and"; "path", "not path", "path op value". */
export function holds(condition, scope, root) {
  return condition.split(' and ').map((c) => c.trim()).every((c) => holdsOne(c, scope, root));
}
function holdsOne(c, scope, root) {
  if (c.startsWith('not ')) return !holdsOne(c.slice(4).trim(), scope, root);
  const m = /^([\w.]+)\s*(==|!=|>=|<=|>|<)\s*(.+)$/.exec(c);
  const look = (p) => { const v = get(scope, p); return v === undefined && scope !== root ? get(root, p) : v; };
  if (!m) { const v = look(c); return v !== undefined && v !== null && v !== false; }
  const actual = look(m[1]);
  if (actual === undefined || actual === null) return false;
  const expected = m[3].trim().replace(/^['"]|['"]$/g, '');
  const op = m[2];
  if (typeof actual === 'number' && !Number.isNaN(Number(expected))) {
    const e = Number(expected);
    return { '==': actual === e, '!=': actual !== e, '>': actual > e, '>=': actual >= e, '<': actual < e, '<=': actual <= e }[op];
  }
  const text = String(actual);
  return op === '==' ? text === expected : op === '!=' ? text !== expected : false;
}

const label = (schema, name) => (schema['x-label'] ? pick(schema['x-label'].zh, schema['x-label'].en) : groupLabel(name));
const domId = (path) => `fld-${path.replace(/[.[\]]+/g, '-').replace(/-$/, '')}`;

/**
 * Builds the form. Returns { element, facts(), validate(all), showServerErrors(errors), setFacts(facts), setValue(path, v) }.
 * onChange(facts) runs after every edit.
 */
export function buildForm(schema, { onChange = () => {}, exclude = [] } = {}) {
  const controls = [];
  let rootFacts = {};
  const changed = () => { rootFacts = collect(); refresh(); onChange(rootFacts); };

  function scalar(name, prop, path, requiredInParent, rowScope) {
    const id = domId(path);
    const errId = `${id}-err`;
    let input;
    if (prop.type === 'boolean') {
      input = h('select', { id, name: path }, h('option', { value: '' }, t('choose')), h('option', { value: 'true' }, t('yes')), h('option', { value: 'false' }, t('no')));
    } else if (prop.enum) {
      input = h('select', { id, name: path }, h('option', { value: '' }, t('choose')), prop.enum.map((v) => h('option', { value: v }, enumLabel(path, v))));
    } else {
      const numeric = prop.type === 'number' || prop.type === 'integer';
      input = h('input', {
        id, name: path, type: numeric ? 'number' : prop.format === 'mobile' ? 'tel' : 'text',
        inputmode: numeric ? (prop.type === 'integer' ? 'numeric' : 'decimal') : prop.format === 'cn-id' || prop.format === 'region-code' ? 'numeric' : undefined,
        step: prop.type === 'integer' ? '1' : numeric ? 'any' : undefined,
        maxlength: prop.maxLength ?? (prop.format === 'cn-id' || prop.format === 'uscc' ? 18 : prop.format === 'mobile' ? 11 : prop.format === 'region-code' ? 6 : undefined),
        autocomplete: 'off', spellcheck: 'false',
      });
    }
    input.setAttribute('aria-describedby', errId);
    input.dataset.path = path;
    const reqMark = h('span', { class: 'req', 'aria-hidden': 'true' }, ' *');
    const error = h('div', { class: 'field-error', id: errId, 'aria-live': 'polite' });
    const wrap = h('div', { class: 'field', dataset: { field: path } }, h('label', { for: id }, label(prop, name), reqMark), input, error);
    const control = {
      kind: 'scalar', path, prop, input, wrap, touched: false, serverError: null,
      rowScope,
      visible: true,
      required: false,
      read() {
        const raw = input.value.trim();
        if (raw === '') return undefined;
        if (prop.type === 'boolean') return raw === 'true';
        if (prop.type === 'number' || prop.type === 'integer') { const n = Number(raw); return Number.isNaN(n) ? raw : n; }
        if (prop.format === 'uscc') return raw.toUpperCase();
        return raw;
      },
      write(v) { input.value = v === undefined || v === null ? '' : String(v); },
      problem(facts) {
        const v = this.read();
        if (v === undefined) return this.required ? msg('required') : null;
        if (prop.type === 'number' || prop.type === 'integer') {
          if (typeof v !== 'number') return msg('number');
          if (prop.type === 'integer' && !Number.isInteger(v)) return msg('integer');
          if (prop.minimum !== undefined && v < prop.minimum) return msg('min', { n: prop.minimum });
          if (prop.maximum !== undefined && v > prop.maximum) return msg('max', { n: prop.maximum });
          if (prop.exclusiveMinimum !== undefined && v <= prop.exclusiveMinimum) return msg('exMin', { n: prop.exclusiveMinimum });
          return null;
        }
        if (typeof v !== 'string') return null;
        if (prop.minLength && [...v].length < prop.minLength) return msg('minLength', { n: prop.minLength });
        if (prop.maxLength && [...v].length > prop.maxLength) return msg('maxLength', { n: prop.maxLength });
        switch (prop.format) {
          case 'cn-id': return idNumberProblem(v);
          case 'uscc': return creditCodeProblem(v);
          case 'mobile': return /^1[3-9]\d{9}$/.test(v) ? null : msg('mobile');
          case 'region-code': return /^\d{6}$/.test(v) ? null : msg('region');
          case 'disability-certificate': {
            if (!/^\d{17}[\dXx][1-7][1-4]$/.test(v)) return msg('cert');
            const owner = get(facts, 'applicant.idNumber');
            return owner && owner.toUpperCase() !== v.slice(0, 18).toUpperCase() ? msg('certOwner') : null;
          }
          default: return null;
        }
      },
      refresh(facts, showAll) {
        const when = prop['x-requiredWhen'];
        const scope = this.rowScope ? this.rowScope() : facts;
        this.required = requiredInParent || (when ? holds(when, scope, facts) : false);
        this.visible = !when || when.startsWith('not ') || this.required;
        wrap.hidden = !this.visible;
        reqMark.hidden = !this.required;
        input.required = this.required;
        const value = this.read();
        const complete = typeof value === 'string' && ((prop.format === 'cn-id' || prop.format === 'uscc') ? value.length >= 18 : prop.format === 'mobile' ? value.length >= 11 : false);
        const p = this.visible && (showAll || this.touched || complete) ? this.problem(facts) : null;
        const shown = p ?? (this.visible ? this.serverError : null);
        error.textContent = shown ?? '';
        input.setAttribute('aria-invalid', shown ? 'true' : 'false');
        wrap.classList.toggle('invalid', !!shown);
        return this.visible ? this.problem(facts) : null;
      },
    };
    input.addEventListener(input.tagName === 'SELECT' ? 'change' : 'input', () => { control.serverError = null; changed(); });
    input.addEventListener('blur', () => { control.touched = true; control.refresh(rootFacts, false); });
    controls.push(control);
    return wrap;
  }

  function object(schema, prefix, container, rowScope) {
    const required = schema.required ?? [];
    for (const [name, prop] of Object.entries(schema.properties ?? {})) {
      const path = prefix ? `${prefix}.${name}` : name;
      if (exclude.includes(path)) continue;
      if (prop.type === 'object') {
        const legend = h('legend', {}, label(prop, name));
        const set = h('fieldset', { class: prefix ? 'subgroup' : 'group', dataset: { group: path } }, legend);
        const body = h('div', { class: 'fields' });
        set.append(body);
        if (prop['x-label'] && !required.includes(name)) {
          const toggleId = uid('toggle');
          const toggle = h('input', { type: 'checkbox', id: toggleId, dataset: { toggle: path } });
          const ctl = { kind: 'toggle', path, input: toggle, body, refresh() { body.hidden = !toggle.checked; return null; } };
          toggle.addEventListener('change', changed);
          controls.push(ctl);
          set.insertBefore(h('div', { class: 'toggle' }, toggle, h('label', { for: toggleId }, t('hasObject', { label: label(prop, name) }))), body);
        }
        object(prop, path, body, rowScope);
        container.append(set);
      } else if (prop.type === 'array') {
        container.append(array(name, prop, path, required.includes(name)));
      } else {
        container.append(scalar(name, prop, path, required.includes(name), rowScope));
      }
    }
  }

  function array(name, prop, path, requiredInParent) {
    const rows = h('div', { class: 'rows' });
    const sumLine = h('div', { class: 'sum', 'aria-live': 'polite' });
    const set = h('fieldset', { class: 'subgroup array', dataset: { group: path } }, h('legend', {}, label(prop, name), requiredInParent ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null), rows);
    const ctl = {
      kind: 'array', path, prop, rows: [],
      add(values) {
        const index = this.rows.length;
        const rowPath = `${path}[${index}]`;
        const before = controls.length;
        const body = h('div', { class: 'fields' });
        const row = { values: () => collectFrom(rowControls, rowPath), el: null };
        object(prop.items, rowPath, body, () => row.values());
        const rowControls = controls.splice(before);
        row.controls = rowControls;
        const removeBtn = h('button', { type: 'button', class: 'secondary small', onclick: () => { this.remove(index); } }, t('remove'), ' ', `${index + 1}`);
        row.el = h('fieldset', { class: 'row', dataset: { row: rowPath } }, h('legend', {}, `${label(prop, name)} ${index + 1}`), body, removeBtn);
        this.rows.push(row);
        rows.append(row.el);
        if (values) for (const c of rowControls) c.write?.(get(values, c.path.slice(rowPath.length + 1)));
      },
      remove(index) {
        const kept = this.values().filter((_, i) => i !== index);
        this.set(kept);
        changed();
      },
      set(list) {
        this.rows = [];
        rows.replaceChildren();
        const wanted = Math.max(list?.length ?? 0, prop.minItems ?? 0);
        for (let i = 0; i < wanted; i++) this.add(list?.[i]);
      },
      values() {
        return this.rows.map((r, i) => collectFrom(r.controls, `${path}[${i}]`)).filter((v) => Object.keys(v).length > 0);
      },
      all() { return this.rows.flatMap((r) => r.controls); },
      refresh(facts, showAll) {
        let problem = null;
        for (const r of this.rows) for (const c of r.controls) problem = c.refresh(facts, showAll) ?? problem;
        const sum = prop['x-sumOf'];
        if (sum) {
          const total = this.values().reduce((s, v) => s + (typeof v[sum.field] === 'number' ? v[sum.field] : 0), 0);
          const ok = Math.abs(total - sum.total) < 1e-9;
          sumLine.textContent = `${t('sum')}: ${total} / ${sum.total}`;
          sumLine.classList.toggle('invalid', !ok);
          if (!ok) problem = problem ?? msg('sum', { field: label(prop.items.properties[sum.field] ?? {}, sum.field), total: sum.total, sum: total });
        }
        if (requiredInParent && this.values().length < (prop.minItems ?? 1)) problem = problem ?? msg('required');
        return problem;
      },
    };
    set.append(sumLine, h('button', { type: 'button', class: 'secondary small', onclick: () => { ctl.add(); changed(); } }, '+ ', t('addInvestor')));
    controls.push(ctl);
    ctl.set([]);
    return set;
  }

  function collectFrom(list, prefix) {
    const out = {};
    for (const c of list) {
      if (c.kind !== 'scalar' || !c.visible) continue;
      const v = c.read();
      if (v === undefined) continue;
      const relative = prefix ? c.path.slice(prefix.length + 1) : c.path;
      const keys = relative.split('.');
      let o = out;
      keys.slice(0, -1).forEach((k) => { o = o[k] ??= {}; });
      o[keys.at(-1)] = v;
    }
    return out;
  }

  function collect() {
    const off = controls.filter((c) => c.kind === 'toggle' && !c.input.checked).map((c) => c.path);
    const top = controls.filter((c) => c.kind === 'scalar' && !off.some((p) => c.path.startsWith(`${p}.`)));
    const facts = collectFrom(top, '');
    for (const c of controls) {
      if (c.kind === 'toggle' && c.input.checked) {
        const keys = c.path.split('.');
        let o = facts;
        keys.forEach((k) => { o = o[k] ??= {}; });
      }
      if (c.kind === 'array') {
        const values = c.values();
        if (values.length) {
          const keys = c.path.split('.');
          let o = facts;
          keys.slice(0, -1).forEach((k) => { o = o[k] ??= {}; });
          o[keys.at(-1)] = values;
        }
      }
    }
    return facts;
  }

  function refresh(showAll = false) {
    let problems = 0;
    for (const c of controls) if (c.refresh(rootFacts, showAll)) problems++;
    return problems;
  }

  const element = h('div', { class: 'one-form' });
  object(schema, '', element);
  rootFacts = collect();
  refresh();

  const allScalars = () => controls.flatMap((c) => (c.kind === 'array' ? c.all() : [c])).filter((c) => c.kind === 'scalar');

  return {
    element,
    facts: () => (rootFacts = collect()),
    /** Shows every problem; returns how many fields have one and focuses the first. */
    validate() {
      rootFacts = collect();
      const count = refresh(true);
      element.querySelector('[aria-invalid="true"]')?.focus();
      return count;
    },
    /** Problem details `errors` keyed by JSON path (facts.x.y[0].z) shown at their fields; returns the ones without a field. */
    showServerErrors(errors) {
      const rest = {};
      for (const c of allScalars()) c.serverError = null;
      for (const [key, value] of Object.entries(errors ?? {})) {
        const path = key.replace(/^facts\./, '');
        const c = allScalars().find((x) => x.path === path);
        if (c) c.serverError = [].concat(value).join('; ');
        else rest[key] = value;
      }
      refresh(false);
      element.querySelector('[aria-invalid="true"]')?.focus();
      return rest;
    },
    setFacts(facts) {
      for (const c of controls) {
        if (c.kind === 'toggle') c.input.checked = get(facts, c.path) !== undefined;
        if (c.kind === 'array') c.set(get(facts, c.path) ?? []);
      }
      for (const c of controls) if (c.kind === 'scalar') c.write(get(facts, c.path));
      changed();
    },
    setValue(path, value) {
      const c = allScalars().find((x) => x.path === path);
      if (c) { c.write(value); changed(); }
    },
  };
}
