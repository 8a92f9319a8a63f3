import type { Label } from './label.model';

export function toLabelPayload(label: Label) {
  return {
    id: label._id,
    title: label.title,
    description: label.description,
    color: label.color,
    show_on_sidebar: label.show_on_sidebar,
  };
}
