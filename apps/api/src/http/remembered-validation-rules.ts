import { getMetadataStorage, type MetadataStorage } from 'class-validator';

type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];
type Grouped = ReturnType<MetadataStorage['groupByPropertyName']>;

const patched = new WeakSet<MetadataStorage>();

/**
 * class-validator works out a class's rules again on every validation: it scans the rules of every class (an
 * `instanceof` per class, for inherited ones) and groups them by property, a tenth of the API's CPU per
 * command. The rules change only when a decorator registers one (as classes load): remember them per class
 * and options, and forget them all whenever a rule is added. The lists handed out are the library's own
 * results, which it only reads.
 */
export function rememberValidationRules(storage: MetadataStorage = getMetadataStorage()): void {
  if (patched.has(storage)) return;
  patched.add(storage);
  const lookUp = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  const add = storage.addValidationMetadata.bind(storage);
  let rules = new WeakMap<object, Map<string, ValidationMetadata[]>>();
  let grouped = new WeakMap<ValidationMetadata[], Grouped>();

  storage.addValidationMetadata = (metadata) => {
    rules = new WeakMap();
    grouped = new WeakMap();
    add(metadata);
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups ? JSON.stringify(groups) : ''}`;
    let byOptions = rules.get(target);
    if (!byOptions) rules.set(target, (byOptions = new Map()));
    let found = byOptions.get(key);
    if (!found) {
      found = lookUp(target, schema, always, strictGroups, groups);
      byOptions.set(key, found);
      grouped.set(found, group(found));
    }
    return found;
  };
  storage.groupByPropertyName = (metadata) => grouped.get(metadata) ?? group(metadata);
}
