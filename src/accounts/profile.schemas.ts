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
  // Chatwoot's dashboard sends both on every save of the profile: they were 422s, and its users could not rename themselves.
  display_name: z
    .string()
    .trim()
    .max(255, 'display_name must be at most 255 characters')
    .superRefine(refuseControlCharacters)
    .nullable()
    .optional()
    .describe('the name shown to customers (available_name); blank or null clears it'),
  email: z.string().max(320).optional().describe("the user's own email, as the dashboard sends it back; another one is a 422 (an email is changed by an administrator removing and adding the user)"),
  password: z.string().max(1024).optional(),
  password_confirmation: z.string().max(1024).optional(),
  current_password: z.string().max(1024).optional(),
});

// Chatwoot wraps the fields in `profile`; bare fields are accepted too.
export const profileUpdateSchema = bareOrWrappedIn('profile', profileFields);
export type ProfileUpdateInput = z.infer<typeof profileFields>;
