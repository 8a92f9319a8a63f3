import { z } from 'zod';
import { bareOrWrappedIn } from '../shared/wrapped-body';
import { refuseControlCharacters } from '../shared/control-characters';

export const signInSchema = z.object({
  email: z.string().trim().min(1, 'email must not be empty').max(320),
  password: z.string().min(1, 'password must not be empty').max(1024),
});
export type SignInInput = z.infer<typeof signInSchema>;

const profileFields = z.strictObject({
  name: z.string().trim().min(1, 'name must not be empty').max(255, 'name must be at most 255 characters').superRefine(refuseControlCharacters).optional(),
  password: z.string().max(1024).optional(),
  password_confirmation: z.string().max(1024).optional(),
  current_password: z.string().max(1024).optional(),
});

// Chatwoot wraps the fields in `profile`; bare fields are accepted too.
export const profileUpdateSchema = bareOrWrappedIn('profile', profileFields);
export type ProfileUpdateInput = z.infer<typeof profileFields>;
